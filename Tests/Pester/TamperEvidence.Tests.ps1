# Issue 20's scenario end to end on moto (127.0.0.1), as an account admin would act behind the module's back: deploy
# with signing keys, send and process orders, then (1) overwrite an audit object, (2) delete one (a delete marker),
# (3) delete every version of another, (4) write a never-processed object under an existing order, (5) delete a digest,
# (6) suspend versioning. Test-OrderAuditLog must report exactly those six, with the stack's keys and with only the
# public-key files; Repair-OrderAuditLog restores (1)-(3) keeping every old version; then only (4)-(6) remain.
# What moto lacks is made through the API, as real AWS would have it: its CloudFormation creates KMS keys symmetric (the
# keys are ECC keys made through the KMS API and passed in) and ignores bucket versioning (enabled through the S3 API).
# moto enforces the template's DenyInsecureTransport on its plain-HTTP endpoint, so the bucket cannot hold the
# template's policy here: the check reports that (BucketUnprotected, policy) before the admin does anything, and the
# scenario counts the admin's six findings on top of that one. With versioning suspended, moto 5.2.1 drops every version
# of a key on any write (S3 replaces only the key's "null" version), so after the repair the old versions are checked
# as they stood when the repair copied from them.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport/OrdersSuite.ps1')
}

AfterAll { Stop-OrdersSuite }

Describe 'A trail that shows what an account admin did behind its back' {
    BeforeAll {
        $script:E2E = @{ Environment = 'tamper1' } + $Aws
        $digestKey = New-TestSigningKey -Factory $Factory
        $repairKey = New-TestSigningKey -Factory $Factory
        $null = New-OrderMonitoringStack @E2E -ProcessorTrigger External -DigestSigningKeyArn $digestKey -RepairSigningKeyArn $repairKey -Confirm:$false
        $script:Bucket = Get-StackResourceId -Factory $Factory -StackName 'order-monitoring-tamper1' -LogicalId AuditLogsBucket
        Enable-BucketVersioning -Factory $Factory -BucketName $Bucket
        $script:S3 = $Factory.CreateS3()

        # Two processor runs: two digest chains, so deleting the second run's digest leaves the first run's proof whole.
        $script:First = @(Send-TestOrderEvent @E2E -Count 4 -FailedPercent 0)
        $null = Invoke-OrderEventProcessor @E2E -FromStream -WarningVariable firstWarnings
        $script:Second = @(Send-TestOrderEvent @E2E -Count 2 -FailedPercent 0)
        $null = Invoke-OrderEventProcessor @E2E -FromStream -WarningVariable secondWarnings
        $script:ProcessorWarnings = @($firstWarnings) + @($secondWarnings)

        $script:KeyFolder = Join-Path $TestDrive 'keys'
        $null = New-Item -ItemType Directory -Path $KeyFolder
        $script:Exported = @(Export-OrderAuditSigningKey @E2E -Path $KeyFolder)

        $script:Baseline = Test-OrderAuditLog @E2E -WarningAction SilentlyContinue

        function Get-KeyOf($order) { (Get-OrderAuditLog @E2E -OrderId $order.OrderId).Key }
        function Get-VersionsOf([string] $key) {
            $request = [Amazon.S3.Model.ListVersionsRequest]@{ BucketName = $Bucket; Prefix = $key }
            @($S3.ListVersionsAsync($request).GetAwaiter().GetResult().Versions | Where-Object Key -EQ $key)
        }
        $script:GetVersionsOf = ${function:Get-VersionsOf}

        # (1) overwrite an audit object with other facts.
        $script:OverwrittenKey = Get-KeyOf $First[0]
        $original = Get-OrderAuditLog @E2E -OrderId $First[0].OrderId -Raw
        $null = $S3.PutObjectAsync([Amazon.S3.Model.PutObjectRequest]@{
                BucketName = $Bucket; Key = $OverwrittenKey; ContentBody = ($original -replace '"status":"[A-Z]+"', '"status":"FORGED"') }).GetAwaiter().GetResult()
        # (2) delete one: S3 keeps the version under a delete marker.
        $script:DeletedKey = Get-KeyOf $First[1]
        $null = $S3.DeleteObjectAsync($Bucket, $DeletedKey).GetAwaiter().GetResult()
        # (3) delete every version of another: nothing of it is left in the bucket.
        $script:ErasedKey = Get-KeyOf $First[2]
        foreach ($version in (Get-VersionsOf $ErasedKey)) {
            $null = $S3.DeleteObjectAsync([Amazon.S3.Model.DeleteObjectRequest]@{ BucketName = $Bucket; Key = $ErasedKey; VersionId = $version.VersionId }).GetAwaiter().GetResult()
        }
        # (4) write a never-processed object under an existing order, shaped like the processor's next record.
        $script:ForgedKey = (Get-KeyOf $First[3]) -replace '\d{40}\.json$', '9999999999999999999999999999999999999999.json'
        $forged = (Get-OrderAuditLog @E2E -OrderId $First[3].OrderId -Raw) -replace '"eventType":"INSERT"', '"eventType":"MODIFY"'
        $null = $S3.PutObjectAsync([Amazon.S3.Model.PutObjectRequest]@{ BucketName = $Bucket; Key = $ForgedKey; ContentBody = $forged }).GetAwaiter().GetResult()
        # (5) delete a digest: the one that lists the second run's objects.
        $secondKey = Get-KeyOf $Second[0]
        $digests = @($S3.ListObjectsV2Async([Amazon.S3.Model.ListObjectsV2Request]@{ BucketName = $Bucket; Prefix = 'digests/' }).GetAwaiter().GetResult().S3Objects.Key)
        $script:DeletedDigest = $digests | Where-Object {
            $S3.GetObjectAsync($Bucket, $_).GetAwaiter().GetResult().ResponseStream | ForEach-Object {
                try { ([System.IO.StreamReader]::new($_)).ReadToEnd() -like "*$secondKey*" } finally { $_.Dispose() }
            }
        } | Select-Object -First 1
        $null = $S3.DeleteObjectAsync($Bucket, $DeletedDigest).GetAwaiter().GetResult()
        # (6) suspend versioning.
        $null = $S3.PutBucketVersioningAsync([Amazon.S3.Model.PutBucketVersioningRequest]@{
                BucketName = $Bucket; VersioningConfig = [Amazon.S3.Model.S3BucketVersioningConfig]@{ Status = [Amazon.S3.VersionStatus]::Suspended } }).GetAwaiter().GetResult()

        function Get-FindingLine($check) {
            @($check.Findings | Where-Object { -not ($_.Kind -eq 'BucketUnprotected' -and $_.Detail -match 'DenyInsecureTransport' -and $_.Detail -notmatch 'versioning') } |
                    ForEach-Object { "$($_.Kind) $($_.Key)" } | Sort-Object)
        }
        $script:GetFindingLine = ${function:Get-FindingLine}
        $script:Expected = @(
            "BucketUnprotected ", "DeletedAudit $DeletedKey", "DeletedAudit $ErasedKey", "DigestMissing $DeletedDigest", "ForgedAudit $ForgedKey",
            "TamperedAudit $OverwrittenKey") | Sort-Object
        $script:Check = Test-OrderAuditLog @E2E -WarningAction SilentlyContinue
    }

    It 'signed every digest (no processor warning) and found the untouched trail proven but for moto''s missing policy' {
        $ProcessorWarnings | Should -HaveCount 0
        $Exported | Should -HaveCount 2
        $Baseline.DigestsVerified | Should -BeGreaterThan 1
        @($Baseline.Findings | ForEach-Object { "$($_.Kind)" }) | Should -Be @('BucketUnprotected')
        $Baseline.Findings[0].Detail | Should -Match 'DenyInsecureTransport'
    }

    It 'reports exactly the six things the admin did' {
        $Check.Complete | Should -BeFalse
        & $GetFindingLine $Check | Should -Be $Expected
        ($Check.Findings | Where-Object { $_.Kind -eq 'BucketUnprotected' -and $_.Detail -match 'versioning' }) | Should -HaveCount 1
    }

    It 'reports the same six with only the public-key files (no KMS call)' {
        $digestPem = ($Exported | Where-Object Role -EQ 'Digest').Path
        $repairPem = ($Exported | Where-Object Role -EQ 'Repair').Path
        $saved = $env:AWS_ENDPOINT_URL, $env:AWS_ENDPOINT_URL_KMS
        try {
            # Every service at moto but KMS, which points at a closed port (an explicit -EndpointUrl would win over both).
            $env:AWS_ENDPOINT_URL = $Aws.EndpointUrl
            $env:AWS_ENDPOINT_URL_KMS = 'http://127.0.0.1:9'
            $connection = @{ Environment = 'tamper1'; Region = $Aws.Region; AccessKey = $Aws.AccessKey; SecretKey = $Aws.SecretKey }
            $offline = Test-OrderAuditLog @connection -PublicKeyPath $digestPem -RepairPublicKeyPath $repairPem -WarningVariable offlineWarnings -WarningAction SilentlyContinue
            # The same check asking KMS for the keys cannot run: proof that the verdict above came from the files.
            $withoutFiles = $null
            try { $withoutFiles = Test-OrderAuditLog @connection -ErrorAction Stop -WarningAction SilentlyContinue } catch { $kmsError = $_ }
        }
        finally { $env:AWS_ENDPOINT_URL, $env:AWS_ENDPOINT_URL_KMS = $saved }
        @($offlineWarnings) | Should -HaveCount 0
        $offline.DigestsVerified | Should -Be $Check.DigestsVerified
        $withoutFiles | Should -BeNullOrEmpty
        $kmsError.FullyQualifiedErrorId | Should -BeLike 'AwsEndpointUnreachable*'
        "$kmsError" | Should -BeLike '*127.0.0.1:9*'
        & $GetFindingLine $offline | Should -Be $Expected
    }

    Context 'after Repair-OrderAuditLog' {
        BeforeAll {
            # The versions S3 holds before the repair: the repair copies from them and deletes none.
            $script:OverwrittenBefore = @(& $GetVersionsOf $OverwrittenKey)
            $script:DeletedBefore = @(& $GetVersionsOf $DeletedKey)
            $script:Repairs = @(Repair-OrderAuditLog @E2E -Confirm:$false -WarningAction SilentlyContinue)
            $script:After = Test-OrderAuditLog @E2E -WarningAction SilentlyContinue
            $script:Again = @(Repair-OrderAuditLog @E2E -Confirm:$false -WarningAction SilentlyContinue)
        }

        It 'restored (1)-(3), each with a signed repair record' {
            @($Repairs | ForEach-Object { $_.Key } | Sort-Object) | Should -Be @($OverwrittenKey, $DeletedKey, $ErasedKey | Sort-Object)
            @($Repairs | Where-Object { -not $_.RepairRecordKey -or -not $_.CallerArn }) | Should -HaveCount 0
            ($Repairs | Where-Object Key -EQ $ErasedKey).Action | Should -Be 'RestoredFromStream'
            (Get-OrderAuditLog @E2E -OrderId $First[0].OrderId).Status | Should -Be $First[0].Status
            @(Get-OrderAuditLog @E2E -OrderId $First[1].OrderId) | Should -HaveCount 1
            @(Get-OrderAuditLog @E2E -OrderId $First[2].OrderId) | Should -HaveCount 1
        }

        It 'copied back the versions the digests prove, which S3 still listed beside the overwrite and the marker' {
            # Before the repair: the original and the overwrite of (1); the original and its delete marker of (2).
            $OverwrittenBefore | Should -HaveCount 2
            @($DeletedBefore | Where-Object IsDeleteMarker) | Should -HaveCount 1
            $original = $OverwrittenBefore | Sort-Object LastModified | Select-Object -First 1
            $restored = $Repairs | Where-Object Key -EQ $OverwrittenKey
            ($restored.Action, $restored.Source, $restored.DigestProven) | Should -Be @('CopiedProvenVersion', $original.VersionId, $true)
            $undeleted = $Repairs | Where-Object Key -EQ $DeletedKey
            ($undeleted.Action, $undeleted.Source) | Should -Be @('CopiedProvenVersion', ($DeletedBefore | Where-Object { -not $_.IsDeleteMarker }).VersionId)
            # That they stay listed afterwards cannot be shown here: with versioning suspended (step 6) moto 5.2.1 drops every
            # version of a key on any write, where S3 replaces only the key's "null" version. Reconciliation.Tests shows the
            # overwrite and the marker still listed after a repair with versioning enabled; the repair never deletes (xunit).
        }

        It 'leaves only (4)-(6) for a person, and a second repair writes nothing' {
            & $GetFindingLine $After | Should -Be (@("BucketUnprotected ", "DigestMissing $DeletedDigest", "ForgedAudit $ForgedKey") | Sort-Object)
            $Again | Should -HaveCount 0
        }
    }
}
