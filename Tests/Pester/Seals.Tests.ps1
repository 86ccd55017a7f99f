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

# What seals close, as an outage and an account admin leave it (issue 20's two gaps): a chain whose writer ended unsigned
# and never signs again, and a chain whose last digest and the objects it listed are deleted with every version.
Describe 'What a seal closes' {
    BeforeAll {
        function Get-FindingLine($check) { @($check.Findings | ForEach-Object { "$($_.Kind) $($_.OrderId) $($_.Key)" } | Sort-Object) }

        function Remove-EveryVersion([string] $Bucket, [string] $Key) {
            $request = [Amazon.S3.Model.ListVersionsRequest]@{ BucketName = $Bucket; Prefix = $Key }
            $versions = @($S3.ListVersionsAsync($request).GetAwaiter().GetResult().Versions | Where-Object Key -EQ $Key)
            if ($versions.Count -eq 0) { throw "No version of $Key to delete." }
            foreach ($version in $versions) {
                $null = $S3.DeleteObjectAsync([Amazon.S3.Model.DeleteObjectRequest]@{ BucketName = $Bucket; Key = $Key; VersionId = $version.VersionId }).GetAwaiter().GetResult()
            }
        }

        function Read-JsonObject([string] $Bucket, [string] $Key) { [Text.Encoding]::UTF8.GetString((Read-BucketObject $Bucket $Key)) | ConvertFrom-Json }
    }

    Context 'a run whose digest key could not sign, sealed by hand once it can' {
        BeforeAll {
            $script:Outage = @{ Environment = 'seal3' } + $Aws
            $key = New-TestSigningKey -Factory $Factory
            $script:OutageBucket = (New-OrderMonitoringStack @Outage -ProcessorTrigger External -DigestSigningKeyArn $key -WarningAction SilentlyContinue).AuditBucketName
            Enable-BucketVersioning -Factory $Factory -BucketName $OutageBucket
            $files = foreach ($n in 1, 2) {
                $file = Join-Path $TestDrive "outage-$n.json"
                Write-OneOrderEventFile $file "ORD-OUTAGE-$n" "93000000000000000000$n"
                $file
            }
            # moto 5.2.1 signs with a disabled key (its Sign checks only the key's usage and algorithm), so the key cannot
            # sign here the other way AWS knows: KMS does not answer. Every service is at moto but KMS, whose endpoint is a
            # refusing loopback port (an explicit -EndpointUrl would win over both variables).
            $refusing = New-RefusingLoopbackPort
            $saved = $env:AWS_ENDPOINT_URL, $env:AWS_ENDPOINT_URL_KMS
            try {
                $env:AWS_ENDPOINT_URL = $Aws.EndpointUrl
                $env:AWS_ENDPOINT_URL_KMS = "http://127.0.0.1:$($refusing.LocalEndPoint.Port)"
                $connection = @{ Environment = 'seal3'; Region = $Aws.Region; AccessKey = $Aws.AccessKey; SecretKey = $Aws.SecretKey }
                # Two event files, two batches of one run: one chain whose writer ends with the run and never signs again.
                $null = Invoke-OrderEventProcessor @connection -Path $files -WarningVariable outageWarnings -WarningAction SilentlyContinue
            }
            finally {
                $env:AWS_ENDPOINT_URL, $env:AWS_ENDPOINT_URL_KMS = $saved
                $refusing.Dispose()
            }
            $script:OutageWarnings = @($outageWarnings)
            $script:UnsignedDigests = @(Get-BucketKeys $OutageBucket 'digests/')
            $script:Unsealed = Test-OrderAuditLog @Outage
            # KMS answers again: the seal signs, and names the chain's head by its bytes.
            $script:OutageSeal = Invoke-OrderEventProcessor @Outage -Seal -WarningVariable sealWarnings
            $script:OutageSealWarnings = @($sealWarnings)
            $script:Resealed = Test-OrderAuditLog @Outage
        }

        It 'wrote the run''s digests unsigned, saying why, and Test-OrderAuditLog reports each as DigestUnsigned' {
            Assert-OnlyUnsignedDigestWarning $OutageWarnings
            $OutageWarnings | Should -Not -BeNullOrEmpty
            $UnsignedDigests | Should -HaveCount 2
            foreach ($digest in $UnsignedDigests) {
                $document = Read-JsonObject $OutageBucket $digest
                $document.signature | Should -BeNullOrEmpty
                $document.unsigned | Should -BeLike 'signing with * failed: *'
            }
            @($Unsealed.Findings | Where-Object Kind -EQ 'DigestUnsigned' | ForEach-Object Key | Sort-Object) | Should -Be ($UnsignedDigests | Sort-Object)
        }

        It 'is DigestUnsigned no more after Invoke-OrderEventProcessor -Seal, and nothing else is new' {
            $OutageSealWarnings | Should -BeNullOrEmpty
            ($OutageSeal.Written, $OutageSeal.Signed, $OutageSeal.Heads) | Should -Be @($true, $true, 1)
            # It names the unsigned chain's head (position 2); the first digest is sealed through the head's link to it.
            $sealed = $SealDocument::Parse([Text.Encoding]::UTF8.GetString((Read-BucketObject $OutageBucket $OutageSeal.Key)), $OutageSeal.Key)
            $sealed.Heads[0].Key | Should -Be ($UnsignedDigests | Sort-Object | Select-Object -Last 1)
            $sealed.Heads[0].Position | Should -Be 2
            $Resealed.SealsVerified | Should -Be 1
            @($Resealed.Findings | Where-Object Kind -EQ 'DigestUnsigned') | Should -BeNullOrEmpty
            Get-FindingLine $Resealed | Should -Be @(Get-FindingLine $Unsealed | Where-Object { $_ -notlike 'DigestUnsigned *' })
        }

        It 'judges a sealed head overwritten behind its back, with an object, by its sealed version: the object is TamperedAudit and repaired' {
            # An unsigned digest carries no signature of its own: an admin could rewrite it, with an audit object, to agree.
            $head = $UnsignedDigests | Sort-Object | Select-Object -Last 1
            $json = [Text.Encoding]::UTF8.GetString((Read-BucketObject $OutageBucket $head))
            $listed = ($json | ConvertFrom-Json).objects[0]
            $originalBytes = Read-BucketObject $OutageBucket $listed.key
            $versions = { param($key) @($S3.ListVersionsAsync([Amazon.S3.Model.ListVersionsRequest]@{ BucketName = $OutageBucket; Prefix = $key }).GetAwaiter().GetResult().Versions |
                    Where-Object Key -EQ $key) }
            $originalObject = (& $versions $listed.key)[0].VersionId
            $sealedDigest = (& $versions $head)[0].VersionId
            $forged = [Text.Encoding]::UTF8.GetString($originalBytes) -replace '"status":"[A-Z]+"', '"status":"FORGED"'
            $forgedSha = [Convert]::ToHexString([Security.Cryptography.SHA256]::HashData([Text.Encoding]::UTF8.GetBytes($forged))).ToLowerInvariant()
            foreach ($write in @(@($listed.key, $forged), @($head, $json.Replace($listed.sha256, $forgedSha)))) {
                $request = [Amazon.S3.Model.PutObjectRequest]@{ BucketName = $OutageBucket; Key = $write[0]; ContentBody = $write[1] }
                $null = $S3.PutObjectAsync($request).GetAwaiter().GetResult()
            }

            $rewritten = Test-OrderAuditLog @Outage

            $named = @($rewritten.Findings | Where-Object { $_.Key -eq $head })
            $named | Should -HaveCount 1
            "$($named[0].Kind)" | Should -Be 'DigestInvalid'
            $named[0].Detail | Should -BeLike "the digest was changed after the seal: its current version hashes to *, which differs from the bytes seal $($OutageSeal.Key) of * names (SHA-256 *); version $sealedDigest has them*"
            $tampered = @($rewritten.Findings | Where-Object Kind -EQ 'TamperedAudit')
            $tampered | Should -HaveCount 1
            $tampered[0].Key | Should -Be $listed.key
            # The proven version is the one the sealed digest lists, by its hash: what Repair-OrderAuditLog copies back.
            $tampered[0].Detail | Should -BeExactly "the current version hashes to $forgedSha, not the digested SHA-256 $($listed.sha256); version $originalObject has the digested bytes"
            @($rewritten.Findings | Where-Object Kind -EQ 'DigestUnsigned') | Should -BeNullOrEmpty
            Get-FindingLine $rewritten | Should -Be @(@(Get-FindingLine $Resealed) + @($named + $tampered | ForEach-Object { "$($_.Kind) $($_.OrderId) $($_.Key)" }) | Sort-Object)

            Set-StackRepairSigningKey -Factory $Factory -Environment $Outage.Environment -Aws $Aws -KeyArn (New-TestSigningKey -Factory $Factory)
            $repairs = @($tampered | Repair-OrderAuditLog @Outage -Confirm:$false -RestoreTampered)

            @($repairs | Where-Object Key -EQ $listed.key) | Should -HaveCount 1
            [Convert]::ToHexString((Read-BucketObject $OutageBucket $listed.key)) | Should -Be ([Convert]::ToHexString($originalBytes))
            # The forged version stays listed under the restored one; the rewritten digest stays reported until a person acts.
            (& $versions $listed.key) | Should -HaveCount 3
            Get-FindingLine (Test-OrderAuditLog @Outage) | Should -Be @(@(Get-FindingLine $Resealed) + @($named | ForEach-Object { "$($_.Kind) $($_.OrderId) $($_.Key)" }) | Sort-Object)
        }
    }

    Context 'a chain''s tail deleted with every version by an account admin' {
        BeforeAll {
            $script:Tail = @{ Environment = 'seal4' } + $Aws
            $key = New-TestSigningKey -Factory $Factory
            $script:TailBucket = (New-OrderMonitoringStack @Tail -ProcessorTrigger External -DigestSigningKeyArn $key -WarningAction SilentlyContinue).AuditBucketName
            Enable-BucketVersioning -Factory $Factory -BucketName $TailBucket
            $tailFiles = foreach ($n in 1..4) {
                $file = Join-Path $TestDrive "tail-$n.json"
                Write-OneOrderEventFile $file "ORD-TAIL-$n" "94000000000000000000$n"
                $file
            }

            # Chain A (two batches of one run) is sealed; chain B (two batches of a run after the seal) is named by no seal
            # yet: the control.
            $null = Invoke-OrderEventProcessor @Tail -Path $tailFiles[0, 1] -WarningVariable runWarnings
            $script:TailSeal = Invoke-OrderEventProcessor @Tail -Seal
            $null = Invoke-OrderEventProcessor @Tail -Path $tailFiles[2, 3] -WarningVariable +runWarnings
            $script:TailRunWarnings = @($runWarnings)
            $script:Intact = Test-OrderAuditLog @Tail

            $script:TailSealDocument = $SealDocument::Parse([Text.Encoding]::UTF8.GetString((Read-BucketObject $TailBucket $TailSeal.Key)), $TailSeal.Key)
            $script:SealedHead = $TailSealDocument.Heads[0].Key
            $script:DigestsBefore = @(Get-BucketKeys $TailBucket 'digests/')
            $script:SealedChainFirst = $DigestsBefore | Where-Object { $_ -ne $SealedHead -and (Split-Path $_) -eq (Split-Path $SealedHead) }
            $script:UnsealedHead = @($DigestsBefore | Where-Object { (Split-Path $_) -ne (Split-Path $SealedHead) } | Sort-Object | Select-Object -Last 1)
            # The admin deletes every version of each chain's last digest and of every audit object it listed: each chain
            # just looks one digest shorter, no link names what is gone.
            $script:ErasedObjects = @{}
            foreach ($digest in @($SealedHead) + $UnsealedHead) {
                $ErasedObjects[$digest] = @((Read-JsonObject $TailBucket $digest).objects.key)
                foreach ($object in $ErasedObjects[$digest]) { Remove-EveryVersion $TailBucket $object }
                Remove-EveryVersion $TailBucket $digest
            }
            $script:Truncated = Test-OrderAuditLog @Tail
        }

        It 'reports the sealed head DigestMissing, the tail deleted, and nothing else new' {
            $TailRunWarnings | Should -BeNullOrEmpty
            $TailSeal.Heads | Should -Be 1
            $TailSealDocument.Heads[0].Position | Should -Be 2
            $DigestsBefore | Should -HaveCount 4
            @(Get-BucketKeys $TailBucket 'digests/') | Should -Be @($DigestsBefore | Where-Object { $_ -notin @($SealedHead) + $UnsealedHead })
            $Truncated.DigestsVerified | Should -Be 2
            # The erased orders' own history findings (no table item: event files) went with their objects, as the admin meant.
            $untouched = @(Get-FindingLine $Intact | Where-Object { $_ -notmatch ' ORD-TAIL-[24] ' })
            Get-FindingLine $Truncated | Should -Be ($untouched + "DigestMissing  $SealedHead" | Sort-Object)
            $missing = $Truncated.Findings | Where-Object { $_.Kind -eq 'DigestMissing' -and $_.Key -eq $SealedHead }
            $missing.Detail | Should -BeLike ("sealed by $($TailSeal.Key) at *every version is gone: the chain's tail was deleted " +
                "(the newest digest of the chain left is position 1, $SealedChainFirst)")
        }

        It 'cannot see the same deletion of a tail no seal names yet (unprovable until the next seal is due)' {
            $UnsealedHead | Should -BeLike '*/000000000002.json'
            $ErasedObjects[$UnsealedHead[0]] | Should -HaveCount 1
            $ErasedObjects[$SealedHead] | Should -HaveCount 1
            # The control chain's head and object are gone as the sealed one's are, and nothing in the check names them.
            $control = @($UnsealedHead) + $ErasedObjects[$UnsealedHead[0]]
            @($Truncated.Findings | Where-Object { $_.Key -in $control -or $(foreach ($key in $control) { "$($_.Detail)".Contains($key) }) -contains $true }) |
                Should -BeNullOrEmpty
        }

        It 'reports a seal deleted with every version after a later seal linked to it as DigestMissing on that seal''s key' {
            # Seal keys are by the second: each seal in its own second.
            Start-Sleep -Milliseconds 1100
            $linked = Invoke-OrderEventProcessor @Tail -Seal
            Start-Sleep -Milliseconds 1100
            $linking = Invoke-OrderEventProcessor @Tail -Seal
            $linking.Previous | Should -Be $linked.Key
            $before = Test-OrderAuditLog @Tail

            Remove-EveryVersion $TailBucket $linked.Key
            $after = Test-OrderAuditLog @Tail

            # The later seals name what is left of the chains; the tail the first seal named stays reported missing.
            @(Get-FindingLine $before) | Should -Be @(Get-FindingLine $Truncated)
            Get-FindingLine $after | Should -Be (@(Get-FindingLine $Truncated) + "DigestMissing  $($linked.Key)" | Sort-Object)
        }
    }

    Context 'a gap in the seals a person acknowledges' {
        BeforeAll {
            $script:Gap = @{ Environment = 'seal5' } + $Aws
            $digestKey = New-TestSigningKey -Factory $Factory
            $repairKey = New-TestSigningKey -Factory $Factory
            $script:GapBucket = (New-OrderMonitoringStack @Gap -ProcessorTrigger External -DigestSigningKeyArn $digestKey -RepairSigningKeyArn $repairKey -Confirm:$false -WarningAction SilentlyContinue).AuditBucketName
            Enable-BucketVersioning -Factory $Factory -BucketName $GapBucket
            $file = Join-Path $TestDrive 'gap.json'
            Write-OneOrderEventFile $file 'ORD-GAP-1' '950000000000000000001'
            $null = Invoke-OrderEventProcessor @Gap -Path $file
            # A gap needs time moto has no clock for: a seal the schedule wrote three hours ago (signed with the digest
            # key through KMS, as the function signs), then none until now. The module's seal links it as previous.
            $sealedAt = [DateTimeOffset]::new([DateTime]::UtcNow.AddHours(-3).Ticks - [DateTime]::UtcNow.Ticks % [TimeSpan]::TicksPerSecond, [TimeSpan]::Zero)
            $old = [Activator]::CreateInstance($SealDocument)
            $old.Environment = 'seal5'
            $old.SealedAt = $sealedAt
            $old.NextSealBy = $sealedAt.AddMinutes(75)
            $kms = $Factory.CreateKms([timespan]::FromSeconds(30))
            $sign = [Amazon.KeyManagementService.Model.SignRequest]@{
                KeyId = $digestKey; Message = [IO.MemoryStream]::new($old.SigningMessage())
                MessageType = [Amazon.KeyManagementService.MessageType]::RAW; SigningAlgorithm = [Amazon.KeyManagementService.SigningAlgorithmSpec]::ECDSA_SHA_256
            }
            $signature = [Convert]::ToBase64String($kms.SignAsync($sign).GetAwaiter().GetResult().Signature.ToArray())
            $kms.Dispose()
            $signatureType = $SealDocument.Assembly.GetType('OrderMonitoring.Processor.Digests.DigestSignature', $true)
            $old.Signature = [Activator]::CreateInstance($signatureType, @($digestKey, 'ECDSA_SHA_256', $signature))
            $null = $S3.PutObjectAsync([Amazon.S3.Model.PutObjectRequest]@{ BucketName = $GapBucket; Key = $old.Key; ContentBody = $old.ToJson() }).GetAwaiter().GetResult()
            $script:OldSeal = $old.Key
            $script:NewSeal = Invoke-OrderEventProcessor @Gap -Seal
            $script:WithGap = Test-OrderAuditLog @Gap
            # The order was processed from a file (never in the table: EarlierTable) and moto's bucket lacks the stack's policy (BucketUnprotected).
            $script:SealFindings = { param($check) @($check.Findings | Where-Object { $_.Kind -notin 'EarlierTable', 'BucketUnprotected' }) }
        }

        It 'reports the gap between the two seals as DigestMissing on seals/' {
            $NewSeal.Previous | Should -Be $OldSeal
            $gap = & $SealFindings $WithGap
            $gap | Should -HaveCount 1
            "$($gap[0].Kind) $($gap[0].Key)" | Should -Be 'DigestMissing seals/'
            $gap[0].Detail | Should -BeLike "no seal between * ($OldSeal) and * ($($NewSeal.Key))*"
        }

        It 'is never acknowledged by a repair without -AcknowledgeSealGap, even unattended with -Confirm:$false' {
            $repairs = @(& $SealFindings $WithGap | Repair-OrderAuditLog @Gap -Confirm:$false -WarningVariable warnings -WarningAction SilentlyContinue)

            $repairs | Should -BeNullOrEmpty
            @($warnings | Where-Object { "$_" -like '*-AcknowledgeSealGap*' }) | Should -HaveCount 1
            Get-BucketKeys $GapBucket 'repairs/' | Should -BeNullOrEmpty
        }

        It 'writes a signed AcknowledgedSealGap record with -AcknowledgeSealGap, after which the gap is no longer reported; again writes nothing' {
            $repairs = @(& $SealFindings $WithGap | Repair-OrderAuditLog @Gap -AcknowledgeSealGap -Confirm:$false)

            $repairs | Should -HaveCount 1
            ($repairs[0].Action, $repairs[0].Key) | Should -Be @('AcknowledgedSealGap', $NewSeal.Key)
            $record = Read-JsonObject $GapBucket $repairs[0].RepairRecordKey
            ($record.digestKey, $record.writtenKey, $record.action) | Should -Be @($OldSeal, $NewSeal.Key, 'AcknowledgedSealGap')
            $record.signature | Should -Not -BeNullOrEmpty
            $verbose = Test-OrderAuditLog @Gap -Verbose 4>&1 | Where-Object { $_ -is [Management.Automation.VerboseRecord] }
            $after = Test-OrderAuditLog @Gap
            & $SealFindings $after | Should -BeNullOrEmpty
            @($verbose | Where-Object { $_.Message -like "The gap in the seals from $OldSeal to $($NewSeal.Key) * was acknowledged by * at *" }) | Should -HaveCount 1
            # The same finding again: the repair checks first, the gap no longer holds, nothing is written.
            @(& $SealFindings $WithGap | Repair-OrderAuditLog @Gap -AcknowledgeSealGap -Confirm:$false) | Should -BeNullOrEmpty
            Get-BucketKeys $GapBucket 'repairs/' | Should -HaveCount 1
        }
    }
}
