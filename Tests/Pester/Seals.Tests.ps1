# Invoke-OrderEventProcessor -Seal as users type it, against moto on 127.0.0.1: one seal of every digest chain's head,
# linked to the previous seal, signed with the stack's digest key. moto's CloudFormation makes the template's signing
# key symmetric, so the ECC key is made through moto's KMS API and passed in (DigestSigningKeyArn), as a security
# account would. moto deploys the template's EventBridge rule and Lambda permission but never runs the schedule (no
# rule fires a Lambda target here): the scheduled seal is the function's dispatch of the rule's input, covered by xunit
# (FunctionTests, MotoDigestTests); here the seal is written by hand, as on a stack whose Lambda does not run.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport/OrdersSuite.ps1')

    function Write-OneOrderEventFile([string] $Path, [string] $OrderId, [string] $Sequence) {
        @{ Records = @(@{
                    eventID = "seal-$Sequence"; eventName = 'INSERT'; eventVersion = '1.1'; eventSource = 'aws:dynamodb'; awsRegion = 'us-east-1'
                    dynamodb = @{
                        ApproximateCreationDateTime = 1767225600; SequenceNumber = $Sequence; SizeBytes = 60; StreamViewType = 'NEW_AND_OLD_IMAGES'
                        Keys = @{ orderId = @{ S = $OrderId }; timestamp = @{ N = '1767225600000' } }
                        NewImage = @{ orderId = @{ S = $OrderId }; timestamp = @{ N = '1767225600000' }; status = @{ S = 'PENDING' } }
                    }
                }) } | ConvertTo-Json -Depth 10 | Set-Content $Path
    }

    function Read-BucketObject([string] $Bucket, [string] $Key) {
        $response = $S3.GetObjectAsync($Bucket, $Key).GetAwaiter().GetResult()
        try {
            $buffer = [System.IO.MemoryStream]::new()
            $response.ResponseStream.CopyTo($buffer)
            , $buffer.ToArray()
        }
        finally { $response.Dispose() }
    }

    function Get-BucketKeys([string] $Bucket, [string] $Prefix) {
        $request = [Amazon.S3.Model.ListObjectsV2Request]@{ BucketName = $Bucket; Prefix = $Prefix }
        @($S3.ListObjectsV2Async($request).GetAwaiter().GetResult().S3Objects | ForEach-Object Key)
    }

    $script:S3 = $Factory.CreateS3()
    $script:DigestKey = New-TestSigningKey -Factory $Factory
    $script:Sealed = @{ Environment = 'seal1' } + $Aws
    $script:Stack = New-OrderMonitoringStack @Sealed -ProcessorTrigger External -DigestSigningKeyArn $DigestKey -WarningAction SilentlyContinue
    $script:Bucket = $Stack.AuditBucketName
    $file = Join-Path $TestDrive 'one-order.json'
    Write-OneOrderEventFile $file 'ORD-SEAL-1' '920000000000000000001'
    $null = Invoke-OrderEventProcessor @Sealed -Path $file
    $script:DigestKeys = Get-BucketKeys $Bucket 'digests/'
    # The processor's types as the module loaded them (its own load context, loaded by the run above): reading and verifying a seal like an auditor.
    $processor = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'OrderMonitoring.Processor' } | Select-Object -First 1
    $script:SealDocument = $processor.GetType('OrderMonitoring.Processor.Digests.SealDocument', $true)
    $script:DigestVerifier = $processor.GetType('OrderMonitoring.Processor.Digests.DigestVerifier', $true)
    $kms = $Factory.CreateKms([timespan]::FromSeconds(30))
    $script:PublicKey = $kms.GetPublicKeyAsync([Amazon.KeyManagementService.Model.GetPublicKeyRequest]@{ KeyId = $DigestKey }).GetAwaiter().GetResult().PublicKey.ToArray()
    $kms.Dispose()
}

AfterAll { Stop-OrdersSuite }

Describe 'Invoke-OrderEventProcessor -Seal' {
    It 'deploys the seal schedule and names it on the stack' {
        $Stack.DigestSealSchedule | Should -Be 'order-digest-seal-seal1'
        $Stack.DigestSealIntervalMinutes | Should -Be 60
    }

    It 'writes nothing with -WhatIf' {
        $plan = Invoke-CapturedHost { Invoke-OrderEventProcessor @Stack -Seal -WhatIf } @{ Stack = $Sealed }

        $plan.Exception | Should -BeNullOrEmpty
        $plan.Output | Should -BeNullOrEmpty
        @($plan.HostLines | Where-Object { $_ -like "What if: *seal*s3://$Bucket/seals/*" }) | Should -HaveCount 1 -Because ($plan.HostLines -join "`n")
        Get-BucketKeys $Bucket 'seals/' | Should -BeNullOrEmpty
    }

    It 'writes a seal signed with the digest key that names the chain''s head by the hash of its bytes' {
        $seal = Invoke-OrderEventProcessor @Sealed -Seal -WarningVariable warnings

        $warnings | Should -BeNullOrEmpty
        $seal | Should -BeOfType OrderMonitoring.AuditSeal
        $seal.Written | Should -BeTrue
        $seal.Signed | Should -BeTrue
        $seal.Heads | Should -Be 1
        $seal.Previous | Should -BeNullOrEmpty
        $seal.NextSealBy - $seal.SealedAt | Should -Be ([timespan]::FromMinutes(75))
        Get-BucketKeys $Bucket 'seals/' | Should -Be @($seal.Key)

        $bytes = Read-BucketObject $Bucket $seal.Key
        $stored = $SealDocument::Parse([Text.Encoding]::UTF8.GetString($bytes), $seal.Key)
        $head = $DigestKeys | Select-Object -Last 1
        $stored.Heads[0].Key | Should -Be $head
        $stored.Heads[0].Sha256 | Should -Be ([Convert]::ToHexString([Security.Cryptography.SHA256]::HashData((Read-BucketObject $Bucket $head))).ToLowerInvariant())
        $stored.Signature.KeyId | Should -Be $DigestKey
        "$($DigestVerifier::new([byte[]]$PublicKey).CheckSignature($stored))" | Should -Be 'Valid'
        $script:FirstSeal = $seal
        $script:FirstSealBytes = $bytes
    }

    It 'links the previous seal by its key and exact bytes on the next run' {
        # Seal keys are by the second: a seal in the same second as the first would be another sealer's (Written False).
        Start-Sleep -Milliseconds 1100
        $file = Join-Path $TestDrive 'another-order.json'
        Write-OneOrderEventFile $file 'ORD-SEAL-2' '920000000000000000002'
        $null = Invoke-OrderEventProcessor @Sealed -Path $file

        $seal = Invoke-OrderEventProcessor @Sealed -Seal

        $seal.Previous | Should -Be $FirstSeal.Key
        $seal.Heads | Should -Be 2
        $stored = $SealDocument::Parse([Text.Encoding]::UTF8.GetString((Read-BucketObject $Bucket $seal.Key)), $seal.Key)
        $stored.Previous.Sha256 | Should -Be ([Convert]::ToHexString([Security.Cryptography.SHA256]::HashData($FirstSealBytes)).ToLowerInvariant())
        ($seal | Format-Table | Out-String) | Should -BeLike "*$($seal.Key)*"
    }

    It 'leaves Test-OrderAuditLog nothing to report on the digests and the seals it wrote' {
        $check = Test-OrderAuditLog @Sealed -WarningAction SilentlyContinue

        $check.DigestsVerified | Should -Be 2
        $check.SealsVerified | Should -Be 2
        @($check.Findings | Where-Object Kind -In 'DigestMissing', 'DigestInvalid', 'DigestUnsigned', 'ForgedAudit' | ForEach-Object { "$($_.Kind) $($_.Key): $($_.Detail)" }) |
            Should -BeNullOrEmpty
    }

    It 'writes the seal unsigned, with a warning, when the stack''s key cannot sign, and promises the next by the stack''s interval' {
        # The stack's own key, made symmetric by moto's CloudFormation: signing fails, as with a key the caller may not use.
        $unsigned = @{ Environment = 'seal2' } + $Aws
        $stack = New-OrderMonitoringStack @unsigned -ProcessorTrigger External -DigestSealIntervalMinutes 120 -WarningAction SilentlyContinue
        $stack.DigestSealIntervalMinutes | Should -Be 120

        $seal = Invoke-OrderEventProcessor @unsigned -Seal -WarningVariable warnings -WarningAction SilentlyContinue

        # 120 minutes and a grace of a quarter of them.
        $seal.NextSealBy - $seal.SealedAt | Should -Be ([timespan]::FromMinutes(150))

        $seal.Written | Should -BeTrue
        $seal.Signed | Should -BeFalse
        $seal.UnsignedReason | Should -BeLike 'signing with * failed: *'
        @($warnings | Where-Object { "$_" -like '*seal was written unsigned*' }) | Should -HaveCount 1
        $seal.Heads | Should -Be 0
    }
}
