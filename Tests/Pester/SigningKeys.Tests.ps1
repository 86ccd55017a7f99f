# Signing keys from outside the stack, their public keys for auditors, and Object Lock on the audit bucket: as users
# type it, against moto on 127.0.0.1. moto's CloudFormation makes every KMS key of the template symmetric and ignores
# a bucket's versioning and Object Lock settings, so the ECC keys are created through moto's KMS API, as a security
# account would create them, and a bucket's versioning is turned on through S3, as the template would. (moto cannot
# even describe the keys its CloudFormation creates from a template's KeyPolicy object: DescribeKey answers 500, so a
# key that cannot sign is exported only in SigningKeyExportTests, with a fake KMS.)
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport/OrdersSuite.ps1')
    Add-Type -Path (Join-Path (Split-Path (Get-Module OrderMonitoring).Path) 'AWSSDK.KeyManagementService.dll')
    $script:Kms = $Factory.CreateKms([timespan]::FromSeconds(30))

    function New-TestKey([string] $Spec = 'ECC_NIST_P256', [string] $Usage = 'SIGN_VERIFY') {
        $request = [Amazon.KeyManagementService.Model.CreateKeyRequest]@{ KeySpec = $Spec; KeyUsage = $Usage }
        $Kms.CreateKeyAsync($request).GetAwaiter().GetResult().KeyMetadata.Arn
    }

    function Get-KmsPublicKey([string] $Arn) {
        $Kms.GetPublicKeyAsync([Amazon.KeyManagementService.Model.GetPublicKeyRequest]@{ KeyId = $Arn }).GetAwaiter().GetResult().PublicKey.ToArray()
    }

    $script:DigestKey = New-TestKey
    $script:RepairKey = New-TestKey
    $script:SymmetricKey = New-TestKey -Spec SYMMETRIC_DEFAULT -Usage ENCRYPT_DECRYPT
}

AfterAll {
    if ($script:Kms) { $Kms.Dispose() }
    Stop-OrdersSuite
}

Describe 'New-OrderMonitoringStack -DigestSigningKeyArn -RepairSigningKeyArn' {
    It 'names both keys in the -WhatIf plan and creates nothing' {
        $run = Invoke-CapturedHost {
            New-OrderMonitoringStack -Environment keyplan -ProcessorTrigger External -DigestSigningKeyArn $d -RepairSigningKeyArn $r @Aws -WhatIf
        } @{ Aws = $Aws; d = $DigestKey; r = $RepairKey }

        $run.Exception | Should -BeNullOrEmpty
        $whatIf = @($run.HostLines | Where-Object { $_ -like 'What if:*' }) -join "`n"
        $whatIf | Should -BeLike "*digest signing key $DigestKey*"
        $whatIf | Should -BeLike "*repair signing key $RepairKey*"
        Get-OrderMonitoringStack -Environment keyplan @Aws -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'refuses a symmetric key before anything is deployed, with -WhatIf too' {
        $err = { New-OrderMonitoringStack -Environment keybad -ProcessorTrigger External -DigestSigningKeyArn $SymmetricKey @Aws -ErrorAction Stop } |
            Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'SigningKeyUnsuitable,*'
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.Exception.Message | Should -BeLike "*$SymmetricKey*SYMMETRIC_DEFAULT*ECC_NIST_P256*"
        # -WhatIf in a captured host (its plan line is read, not printed into the run).
        $plan = Invoke-CapturedHost { New-OrderMonitoringStack -Environment keybad -ProcessorTrigger External -DigestSigningKeyArn $Key @Aws -WhatIf -ErrorAction Stop } @{ Key = $SymmetricKey; Aws = $Aws }
        $ids = @($plan.Errors | ForEach-Object FullyQualifiedErrorId) + @($plan.Exception | ForEach-Object { $_.ErrorRecord.FullyQualifiedErrorId })
        ($ids -join "`n") | Should -BeLike '*SigningKeyUnsuitable,*'
        Get-OrderMonitoringStack -Environment keybad @Aws -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'refuses one key for both roles' {
        $err = { New-OrderMonitoringStack -Environment keysame -ProcessorTrigger External -DigestSigningKeyArn $DigestKey -RepairSigningKeyArn $DigestKey @Aws -ErrorAction Stop } |
            Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'SigningKeysNotSeparate,*'
    }

    It 'refuses an alias or a malformed ARN at binding' {
        { New-OrderMonitoringStack -Environment keyalias -DigestSigningKeyArn 'arn:aws:kms:us-east-1:123456789012:alias/digest' @Aws -ErrorAction Stop } |
            Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
    }

    Context 'a stack deployed with keys of a security account' {
        BeforeAll {
            $script:Keys = @{ Environment = 'keys1' } + $Aws
            $script:Stack = New-OrderMonitoringStack @Keys -ProcessorTrigger External -DigestSigningKeyArn $DigestKey -RepairSigningKeyArn $RepairKey -WarningAction SilentlyContinue
        }

        It 'uses the keys passed in' {
            $Stack.DigestSigningKeyArn | Should -Be $DigestKey
            $Stack.RepairSigningKeyArn | Should -Be $RepairKey
        }

        It 'signs the processor''s digests with the digest key passed in: no digest is written unsigned' {
            $file = Join-Path $TestDrive 'one-order.json'
            @{ Records = @(@{
                        eventID = 'key-1'; eventName = 'INSERT'; eventVersion = '1.1'; eventSource = 'aws:dynamodb'; awsRegion = 'us-east-1'
                        dynamodb = @{
                            ApproximateCreationDateTime = 1767225600; SequenceNumber = '910000000000000000001'; SizeBytes = 60; StreamViewType = 'NEW_AND_OLD_IMAGES'
                            Keys = @{ orderId = @{ S = 'ORD-KEY-1' }; timestamp = @{ N = '1767225600000' } }
                            NewImage = @{ orderId = @{ S = 'ORD-KEY-1' }; timestamp = @{ N = '1767225600000' }; status = @{ S = 'PENDING' } }
                        }
                    }) } | ConvertTo-Json -Depth 10 | Set-Content $file
            $result = Invoke-OrderEventProcessor @Keys -Path $file -WarningVariable warnings -WarningAction SilentlyContinue
            $result.Audited | Should -Be 1
            @($warnings | Where-Object { "$_" -like 'Digest written unsigned*' }) | Should -HaveCount 0
        }

        It 'writes both public keys as PEM files that hold what kms:GetPublicKey returns' {
            $folder = New-Item -ItemType Directory (Join-Path $TestDrive 'auditor') -Force
            $exported = @(Export-OrderAuditSigningKey @Keys -Path $folder.FullName)

            $exported | Should -HaveCount 2
            $digest = $exported | Where-Object Role -EQ 'Digest'
            $digest.KeyArn | Should -Be $DigestKey
            $digest.Path | Should -Be (Join-Path $folder.FullName 'order-monitoring-keys1-digest-key.pem')
            $der = Get-KmsPublicKey $DigestKey
            $pem = Get-Content -Raw $digest.Path
            $pem | Should -BeLike '-----BEGIN PUBLIC KEY-----*-----END PUBLIC KEY-----*'
            $ecdsa = [System.Security.Cryptography.ECDsa]::Create()
            $ecdsa.ImportFromPem($pem)
            [Convert]::ToBase64String($ecdsa.ExportSubjectPublicKeyInfo()) | Should -Be ([Convert]::ToBase64String($der))
            $digest.Fingerprint | Should -Be ([Convert]::ToHexString([System.Security.Cryptography.SHA256]::HashData($der)).ToLowerInvariant())
            ($exported | Where-Object Role -EQ 'Repair').KeyArn | Should -Be $RepairKey
            ($exported | Format-Table | Out-String) | Should -BeLike '*Digest*'
        }

        It 'overwrites an exported file only with -Force, and writes nothing with -WhatIf' {
            $file = Join-Path $TestDrive 'repair.pem'
            $null = Export-OrderAuditSigningKey @Keys -Role Repair -Path $file
            Set-Content $file 'keep me'

            Export-OrderAuditSigningKey @Keys -Role Repair -Path $file -ErrorVariable failures -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $failures[0].FullyQualifiedErrorId | Should -BeLike 'SigningKeyFileExists,*'
            # -WhatIf in a captured host: the plan's line is read, not printed into the test run.
            $plan = Invoke-CapturedHost { Export-OrderAuditSigningKey @Stack -Role Repair -Path $PemFile -Force -WhatIf } @{ Stack = $Keys; PemFile = $file }
            $plan.Output | Should -BeNullOrEmpty
            @($plan.HostLines | Where-Object { $_ -like 'What if: *repair signing key*' }) | Should -HaveCount 1
            Get-Content -Raw $file | Should -BeLike 'keep me*'
            (Export-OrderAuditSigningKey @Keys -Role Repair -Path $file -Force).KeyArn | Should -Be $RepairKey
            Get-Content -Raw $file | Should -BeLike '-----BEGIN PUBLIC KEY-----*'
        }

        It 'asks for a folder when two keys would go to one file' {
            { Export-OrderAuditSigningKey @Keys -Path (Join-Path $TestDrive 'both.pem') -ErrorAction Stop } | Should -Throw -ErrorId 'SigningKeyPathNeedsFolder,*'
        }
    }
}

Describe 'New-OrderMonitoringStack -AuditObjectLockMode -AuditObjectLockDays' {
    It 'asks before Compliance mode, with No as the default, and deploys nothing when declined' {
        $run = Invoke-CapturedHost {
            New-OrderMonitoringStack -Environment lockask -ProcessorTrigger External -AuditObjectLockMode Compliance -AuditObjectLockDays 1 @Aws
        } @{ Aws = $Aws }

        $run.Exception | Should -BeNullOrEmpty
        $run.Output | Should -BeNullOrEmpty
        Get-OrderMonitoringStack -Environment lockask @Aws -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'cannot ask in a session without prompts and says to pass -Force' {
        $err = { New-OrderMonitoringStack -Environment lockask -ProcessorTrigger External -AuditObjectLockMode Compliance @Aws -ErrorAction Stop } |
            Should -Throw -PassThru
        # Pester's host has no prompt; -Force is the way to turn Compliance on without one.
        $err.FullyQualifiedErrorId | Should -BeLike 'ConfirmationNotPossible,*'
        $err.ErrorDetails.RecommendedAction + $err.CategoryInfo.Reason + $err.Exception.Message | Should -Not -BeNullOrEmpty
    }

    It 'refuses days without a mode on a stack without Object Lock' {
        $plan = Invoke-CapturedHost { New-OrderMonitoringStack -Environment lockdays -ProcessorTrigger External -AuditObjectLockDays 10 @Aws -WhatIf -ErrorAction Stop } @{ Aws = $Aws }
        $ids = @($plan.Errors | ForEach-Object FullyQualifiedErrorId) + @($plan.Exception | ForEach-Object { $_.ErrorRecord.FullyQualifiedErrorId })
        ($ids -join "`n") | Should -BeLike '*AuditObjectLockDaysWithoutMode,*'
    }

    Context 'an audit bucket kept from an earlier deployment' {
        BeforeAll {
            $script:Lock = @{ Environment = 'lockkept' } + $Aws
            $script:LockBucket = 'order-audit-logs-lockkept-123456789012-us-east-1'
            $null = New-OrderMonitoringStack @Lock -ProcessorTrigger External
            # What the template's VersioningConfiguration does on AWS (moto's CloudFormation ignores it).
            Enable-BucketVersioning -Factory $Factory -BucketName $LockBucket
            Remove-OrderMonitoringStack @Lock -Force
            $script:Redeployed = New-OrderMonitoringStack @Lock -ProcessorTrigger External -AuditObjectLockMode Governance -AuditObjectLockDays 2 -WarningAction SilentlyContinue
        }

        It 'passes the setting to the stack and sets it on the kept bucket through S3' {
            $Redeployed.AuditBucketName | Should -Be $LockBucket
            $stackParameters = $Factory.CreateCloudFormation().DescribeStacksAsync([OrderMonitoring.Aws.CloudFormation.DescribeStacksRequest]@{ StackName = 'order-monitoring-lockkept' }).
                GetAwaiter().GetResult().Stacks[0].Parameters
            ($stackParameters | Where-Object ParameterKey -EQ 'AuditObjectLockMode').ParameterValue | Should -Be 'GOVERNANCE'
            $rule = $Factory.CreateS3().GetObjectLockConfigurationAsync([Amazon.S3.Model.GetObjectLockConfigurationRequest]@{ BucketName = $LockBucket }).
                GetAwaiter().GetResult().ObjectLockConfiguration.Rule.DefaultRetention
            "$($rule.Mode)" | Should -Be 'GOVERNANCE'
            $rule.Days | Should -Be 2
        }

        It 'locks what is written afterwards: a version cannot be deleted' {
            $s3 = $Factory.CreateS3()
            $put = [Amazon.S3.Model.PutObjectRequest]@{ BucketName = $LockBucket; Key = 'digests/locked-probe.json'; ContentBody = '{}'; ChecksumAlgorithm = 'SHA256' }
            $version = $s3.PutObjectAsync($put).GetAwaiter().GetResult().VersionId
            $delete = [Amazon.S3.Model.DeleteObjectRequest]@{ BucketName = $LockBucket; Key = 'digests/locked-probe.json'; VersionId = $version }
            $refused = { $s3.DeleteObjectAsync($delete).GetAwaiter().GetResult() } | Should -Throw -PassThru
            $refused.Exception.InnerException.ErrorCode | Should -Be 'AccessDenied'
            $listed = $s3.ListVersionsAsync([Amazon.S3.Model.ListVersionsRequest]@{ BucketName = $LockBucket; Prefix = 'digests/locked-probe.json' }).GetAwaiter().GetResult()
            @($listed.Versions.VersionId) | Should -Contain $version
        }

        It 'keeps Object Lock on a redeploy that does not name it' {
            $null = New-OrderMonitoringStack @Lock -WarningAction SilentlyContinue
            $rule = $Factory.CreateS3().GetObjectLockConfigurationAsync([Amazon.S3.Model.GetObjectLockConfigurationRequest]@{ BucketName = $LockBucket }).
                GetAwaiter().GetResult().ObjectLockConfiguration.Rule.DefaultRetention
            "$($rule.Mode)" | Should -Be 'GOVERNANCE'
        }
    }
}
