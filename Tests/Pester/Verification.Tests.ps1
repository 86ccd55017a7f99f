# Test-OrderAuditLog's verification against signed digests and Get-OrderAuditLog's marks, on moto (127.0.0.1), as a
# user types them. moto's CloudFormation makes every KMS key symmetric, so the stack is given an ECC digest key made
# through the KMS API (as an organisation passes DigestSigningKeyArn), and versioning is enabled through the S3 API.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport/OrdersSuite.ps1')
}

AfterAll { Stop-OrdersSuite }

Describe 'Verifying the audit trail against its signed digests' {
    BeforeAll {
        $script:E2E = @{ Environment = 'verify1' } + $Aws
        $null = New-OrderMonitoringStack @E2E -ProcessorTrigger External
        $script:Bucket = Get-StackResourceId -Factory $Factory -StackName 'order-monitoring-verify1' -LogicalId AuditLogsBucket
        Enable-BucketVersioning -Factory $Factory -BucketName $Bucket
        $script:KeyArn = New-TestSigningKey -Factory $Factory
        Set-StackSigningKey -Factory $Factory -Environment verify1 -Aws $Aws -Parameter DigestSigningKeyArn -KeyArn $KeyArn
        $script:Sent = @(Send-TestOrderEvent @E2E -Count 4 -FailedPercent 0)
        $null = Invoke-OrderEventProcessor @E2E -FromStream
        # What an auditor is handed: the digest key's public key as PEM.
        $script:PemPath = (Export-OrderAuditSigningKey @E2E -Path $TestDrive -Role Digest).Path
        $script:S3 = $Factory.CreateS3()
    }

    It 'verifies every digest and reports only the bucket policy moto cannot hold' {
        # moto enforces the template's DenyInsecureTransport on its plain-HTTP endpoint (every request would be refused),
        # so this bucket has no policy, which the check reports.
        $check = Test-OrderAuditLog @E2E -WarningAction SilentlyContinue
        $check.DigestsVerified | Should -BeGreaterThan 0
        @($check.Findings.Kind) | Should -Be @('BucketUnprotected')
        $check.Findings[0].Detail | Should -Match 'DenyInsecureTransport'
        $check.AuditObjectsChecked | Should -Be 4
    }

    It 'verifies the same with the public-key file alone' {
        $check = Test-OrderAuditLog @E2E -PublicKeyPath $PemPath -WarningAction SilentlyContinue
        $check.DigestsVerified | Should -BeGreaterThan 0
        @($check.Findings.Kind) | Should -Be @('BucketUnprotected')
    }

    It 'marks each record Proven against the digest its object names' {
        $records = @(Get-OrderAuditLog @E2E -OrderId $Sent[0].OrderId)
        $records | Should -HaveCount 1
        $records[0].Integrity | Should -Be 'Proven'
    }

    It 'marks each record with the public-key file alone, KMS out of reach' {
        $saved = $env:AWS_ENDPOINT_URL, $env:AWS_ENDPOINT_URL_KMS
        try {
            # Every service at moto but KMS, which points at a closed port (an explicit -EndpointUrl would win over both).
            $env:AWS_ENDPOINT_URL = $Aws.EndpointUrl
            $env:AWS_ENDPOINT_URL_KMS = 'http://127.0.0.1:9'
            $connection = @{ Environment = 'verify1'; Region = $Aws.Region; AccessKey = $Aws.AccessKey; SecretKey = $Aws.SecretKey }
            $offline = @(Get-OrderAuditLog @connection -OrderId $Sent[0].OrderId -PublicKeyPath $PemPath -ErrorVariable offlineErrors -ErrorAction SilentlyContinue)
            # Without the file the digest key must come from KMS, which cannot be reached: proof that the marks above came from the file.
            $withoutFile = @(Get-OrderAuditLog @connection -OrderId $Sent[0].OrderId -ErrorVariable kmsErrors -ErrorAction SilentlyContinue)
        }
        finally { $env:AWS_ENDPOINT_URL, $env:AWS_ENDPOINT_URL_KMS = $saved }
        @($offlineErrors) | Should -HaveCount 0
        $offline | Should -HaveCount 1
        $offline[0].Integrity | Should -Be 'Proven'
        @($withoutFile | Where-Object Integrity -EQ 'Proven') | Should -HaveCount 0
        @($kmsErrors)[0].FullyQualifiedErrorId | Should -BeLike 'AwsEndpointUnreachable*'
    }

    It 'refuses a public-key file for Get-OrderAuditLog that is no public key, before reading anything' {
        $bad = Join-Path $TestDrive 'not-a-key-either.pem'
        Set-Content -Path $bad -Value 'hello'
        { Get-OrderAuditLog @E2E -OrderId $Sent[0].OrderId -PublicKeyPath $bad -ErrorAction Stop } | Should -Throw -ErrorId 'PublicKeyUnreadable*'
    }

    It 'refuses -Segment without -TotalSegments, and with -Since' {
        { Test-OrderAuditLog @E2E -Segment 1 -ErrorAction Stop } | Should -Throw -ErrorId 'SegmentInvalid*'
        { Test-OrderAuditLog @E2E -Segment 0 -TotalSegments 2 -Since (Get-Date).AddDays(-1) -ErrorAction Stop } | Should -Throw -ErrorId 'SegmentInvalid*'
    }

    It 'refuses a public-key file that is no public key' {
        $bad = Join-Path $TestDrive 'not-a-key.pem'
        Set-Content -Path $bad -Value 'hello'
        { Test-OrderAuditLog @E2E -PublicKeyPath $bad -ErrorAction Stop } | Should -Throw -ErrorId 'PublicKeyUnreadable*'
    }

    Context 'after an admin overwrites an audit object and writes one by hand' {
        BeforeAll {
            $script:TamperedKey = (Get-OrderAuditLog @E2E -OrderId $Sent[1].OrderId).Key
            $original = Get-OrderAuditLog @E2E -OrderId $Sent[1].OrderId -Raw
            $changed = $original -replace '"status":"[A-Z]+"', '"status":"FORGED"'
            $null = $S3.PutObjectAsync([Amazon.S3.Model.PutObjectRequest]@{ BucketName = $Bucket; Key = $TamperedKey; ContentBody = $changed }).GetAwaiter().GetResult()
            $script:ForgedKey = ($TamperedKey -replace '\d{40}\.json$', '9999999999999999999999999999999999999999.json')
            $null = $S3.PutObjectAsync([Amazon.S3.Model.PutObjectRequest]@{ BucketName = $Bucket; Key = $ForgedKey; ContentBody = $changed }).GetAwaiter().GetResult()
            $script:Check = Test-OrderAuditLog @E2E -PublicKeyPath $PemPath -WarningAction SilentlyContinue
        }

        It 'reports TamperedAudit and ForgedAudit, and nothing about the order''s item' {
            @($Check.Findings | Sort-Object { "$($_.Kind)" } | ForEach-Object { "$($_.Kind) $($_.Key)" }) |
                Should -Be @('BucketUnprotected ', "ForgedAudit $ForgedKey", "TamperedAudit $TamperedKey")
        }

        It 'marks the records Tampered and NotInDigest, the same with the public-key file' {
            $records = @(Get-OrderAuditLog @E2E -OrderId $Sent[1].OrderId)
            ($records | Where-Object Key -EQ $TamperedKey).Integrity | Should -Be 'Tampered'
            ($records | Where-Object Key -EQ $ForgedKey).Integrity | Should -Be 'NotInDigest'
            $withFile = @(Get-OrderAuditLog @E2E -OrderId $Sent[1].OrderId -PublicKeyPath $PemPath)
            @($withFile | Sort-Object Key | ForEach-Object { "$($_.Key) $($_.Integrity)" }) | Should -Be @($records | Sort-Object Key | ForEach-Object { "$($_.Key) $($_.Integrity)" })
        }

        It 'finds the same across two segments' {
            $parts = @(0, 1 | ForEach-Object { (Test-OrderAuditLog @E2E -PublicKeyPath $PemPath -Segment $_ -TotalSegments 2 -WarningAction SilentlyContinue).Findings })
            @($parts | ForEach-Object { "$($_.Kind) $($_.Key)" } | Sort-Object) | Should -Be @($Check.Findings | ForEach-Object { "$($_.Kind) $($_.Key)" } | Sort-Object)
        }
    }
}
