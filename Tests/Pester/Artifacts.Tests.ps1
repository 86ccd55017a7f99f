# The artifacts bucket New-OrderMonitoringStack uploads the template and the processor zip to, as users run it against
# moto on 127.0.0.1: whose bucket it is, what is in it, and what the stack points at.
#
# moto does not enforce ExpectedBucketOwner (real S3 answers 403 when the owner differs), so the ownership check the
# module makes works without it: the bucket must be among the caller's own buckets (ListBuckets). Another account is
# played by moto's x-moto-account-id header, which makes a request act as that account.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport/OrdersSuite.ps1')
    $script:Account = '123456789012'
    $script:OtherAccount = '111111111111'
    # A new stack runs on arm64, so the deployment uploads that architecture's zip.
    $script:LocalZip = Get-Item (Join-Path (Split-Path $ManifestPath) 'processor/order-processor-arm64-*.zip') | Sort-Object LastWriteTimeUtc | Select-Object -Last 1

    function Invoke-AsOtherAccount {
        <# An S3 REST call as another moto account (moto checks no signature, only that one is there). #>
        param([string] $Method, [string] $Path, [string] $Body)
        $headers = @{
            'x-moto-account-id' = $OtherAccount
            Authorization       = 'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0'
        }
        $call = @{ Uri = "$($Server.Endpoint)/$Path"; Method = $Method; Headers = $headers; UseBasicParsing = $true }
        if ($Body) { $call.Body = $Body }
        Invoke-WebRequest @call
    }

    function Get-OtherAccountKeyCount([string] $Bucket) {
        $listing = [xml](Invoke-AsOtherAccount -Method Get -Path "${Bucket}?list-type=2").Content
        [int] $listing.ListBucketResult.KeyCount
    }
}

AfterAll { Stop-OrdersSuite }

Describe 'The README''s example region' {
    # moto refuses the legacy EU location constraint the SDK sends for eu-west-1 (real S3 accepts both it and the
    # region name); the module sends the region name.
    It 'deploys to eu-west-1, creating the artifacts bucket there' {
        $stack = New-OrderMonitoringStack -Environment euw -Region eu-west-1 -ProcessorTrigger External -EndpointUrl $Server.Endpoint -AccessKey test -SecretKey test -ErrorAction Stop
        $stack.Status | Should -Be 'CREATE_COMPLETE'
        $stack.Region | Should -Be 'eu-west-1'
        $location = $Factory.CreateS3().GetBucketLocationAsync("order-monitoring-artifacts-$Account-eu-west-1").GetAwaiter().GetResult()
        $location.Location.Value | Should -Be 'eu-west-1'
    }
}

Describe 'An artifacts bucket someone else owns' {
    It 'refuses the default bucket when another account created it, before anything is uploaded or deployed' {
        $bucket = "order-monitoring-artifacts-$Account-us-east-1"
        $null = Invoke-AsOtherAccount -Method Put -Path $bucket
        try {
            $err = { New-OrderMonitoringStack -Environment hijack -ProcessorTrigger External @Aws -ErrorAction Stop } | Should -Throw -PassThru
            $err.FullyQualifiedErrorId | Should -BeLike 'ArtifactBucketNotOwned,*'
            $err.CategoryInfo.Category | Should -Be 'PermissionDenied'
            $err.Exception.Message | Should -BeLike "*$bucket exists but is not one of account $Account's buckets*"
            $err.ErrorDetails.RecommendedAction | Should -BeLike '*-ArtifactBucketName*'
            Get-OtherAccountKeyCount $bucket | Should -Be 0
            Get-OrderMonitoringStack -Environment hijack @Aws -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            # -WhatIf (a pull request's review stage) refuses it as well.
            $plan = { New-OrderMonitoringStack -Environment hijack -ProcessorTrigger External @Aws -WhatIf -ErrorAction Stop } | Should -Throw -PassThru
            $plan.FullyQualifiedErrorId | Should -BeLike 'ArtifactBucketNotOwned,*'
        }
        finally {
            $null = Invoke-AsOtherAccount -Method Delete -Path $bucket
        }
    }

    It 'refuses a bucket named with -ArtifactBucketName that another account owns' {
        $null = Invoke-AsOtherAccount -Method Put -Path 'shared-team-artifacts'
        $err = { New-OrderMonitoringStack -Environment hijack -ProcessorTrigger External -ArtifactBucketName shared-team-artifacts @Aws -ErrorAction Stop } |
            Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'ArtifactBucketNotOwned,*'
        $err.Exception.Message | Should -BeLike '*shared-team-artifacts*'
        Get-OtherAccountKeyCount 'shared-team-artifacts' | Should -Be 0
        Get-OrderMonitoringStack -Environment hijack @Aws -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }
}

Describe 'What the stack runs' {
    BeforeAll {
        $script:Bucket = "order-monitoring-artifacts-$Account-us-east-1"
        $script:S3 = $Factory.CreateS3()
        $script:CloudFormation = $Factory.CreateCloudFormation()
        $hash = (Get-FileHash $LocalZip -Algorithm SHA256).Hash.ToLowerInvariant()
        $script:CodeKey = "processor/$($hash.Substring(0, 12))/$($LocalZip.Name)"
        $script:LocalZipSha = [Convert]::ToBase64String([Security.Cryptography.SHA256]::HashData([IO.File]::ReadAllBytes($LocalZip.FullName)))

        function Get-StackParameter([string] $Environment, [string] $Key) {
            $request = [OrderMonitoring.Aws.CloudFormation.DescribeStacksRequest]@{ StackName = "order-monitoring-$Environment" }
            $stack = $CloudFormation.DescribeStacksAsync($request, [Threading.CancellationToken]::None).GetAwaiter().GetResult().Stacks[0]
            ($stack.Parameters | Where-Object ParameterKey -EQ $Key).ParameterValue
        }

        function Get-VersionSha([string] $Key, [string] $VersionId) {
            $request = [Amazon.S3.Model.GetObjectRequest]@{ BucketName = $Bucket; Key = $Key; VersionId = $VersionId }
            $response = $S3.GetObjectAsync($request).GetAwaiter().GetResult()
            try {
                $copy = [IO.MemoryStream]::new()
                $response.ResponseStream.CopyTo($copy)
                [Convert]::ToBase64String([Security.Cryptography.SHA256]::HashData($copy.ToArray()))
            }
            finally { $response.Dispose() }
        }

        function Get-FunctionCodeSha([string] $Environment) {
            # moto's Lambda (no AWSSDK.Lambda here) checks no signature, only that one is there.
            $response = Invoke-RestMethod -Uri "$($Server.Endpoint)/2015-03-31/functions/order-processor-$Environment" -Headers @{
                Authorization = 'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/lambda/aws4_request, SignedHeaders=host, Signature=0' }
            $response.Configuration.CodeSha256
        }
    }

    It 'creates the bucket private, versioned and encrypted, and pins the function to the version it uploaded' {
        $stack = New-OrderMonitoringStack -Environment art1 -ProcessorTrigger External @Aws -ErrorAction Stop
        $stack.Status | Should -Be 'CREATE_COMPLETE'

        $S3.GetBucketVersioningAsync([Amazon.S3.Model.GetBucketVersioningRequest]@{ BucketName = $Bucket }).GetAwaiter().GetResult().VersioningConfig.Status.Value |
            Should -Be 'Enabled'
        $ownership = $S3.GetBucketOwnershipControlsAsync([Amazon.S3.Model.GetBucketOwnershipControlsRequest]@{ BucketName = $Bucket }).GetAwaiter().GetResult()
        $ownership.OwnershipControls.Rules[0].ObjectOwnership.Value | Should -Be 'BucketOwnerEnforced'
        $block = $S3.GetPublicAccessBlockAsync([Amazon.S3.Model.GetPublicAccessBlockRequest]@{ BucketName = $Bucket }).GetAwaiter().GetResult().PublicAccessBlockConfiguration
        @($block.BlockPublicAcls, $block.BlockPublicPolicy, $block.IgnorePublicAcls, $block.RestrictPublicBuckets) | Should -Be @($true, $true, $true, $true)
        $S3.GetBucketEncryptionAsync([Amazon.S3.Model.GetBucketEncryptionRequest]@{ BucketName = $Bucket }).GetAwaiter().GetResult().ServerSideEncryptionConfiguration.ServerSideEncryptionRules.Count |
            Should -Be 1

        $script:FirstVersion = Get-StackParameter art1 'ProcessorCodeVersion'
        $FirstVersion | Should -Not -BeNullOrEmpty
        Get-StackParameter art1 'ProcessorCodeKey' | Should -Be $CodeKey
        $head = $S3.GetObjectMetadataAsync([Amazon.S3.Model.GetObjectMetadataRequest]@{ BucketName = $Bucket; Key = $CodeKey; ChecksumMode = 'ENABLED' }).GetAwaiter().GetResult()
        $head.VersionId | Should -Be $FirstVersion
        $head.ChecksumSHA256 | Should -Be $LocalZipSha
        Get-FunctionCodeSha art1 | Should -Be $LocalZipSha
    }

    It 'replaces other bytes found at the processor''s key instead of deploying them' {
        # Someone with write access puts their own zip where the module's would be.
        $planted = [Amazon.S3.Model.PutObjectRequest]@{ BucketName = $Bucket; Key = $CodeKey; ContentBody = 'not the processor'; ChecksumAlgorithm = 'SHA256' }
        $plantedVersion = $S3.PutObjectAsync($planted).GetAwaiter().GetResult().VersionId

        $stack = New-OrderMonitoringStack -Environment art2 -ProcessorTrigger External @Aws -WarningVariable warnings -WarningAction SilentlyContinue -ErrorAction Stop
        $stack.Status | Should -Be 'CREATE_COMPLETE'

        ($warnings -join "`n") | Should -BeLike "*$CodeKey held other bytes than the module's file*"
        $pinned = Get-StackParameter art2 'ProcessorCodeVersion'
        $pinned | Should -Not -Be $plantedVersion
        $pinned | Should -Not -Be $FirstVersion
        Get-VersionSha $CodeKey $pinned | Should -Be $LocalZipSha
        # moto's Lambda reads the key's newest object (it ignores S3ObjectVersion): the module's upload, not the planted one.
        Get-FunctionCodeSha art2 | Should -Be $LocalZipSha
        # The first stack still names the version it was deployed with, whose bytes are the module's.
        Get-StackParameter art1 'ProcessorCodeVersion' | Should -Be $FirstVersion
        Get-VersionSha $CodeKey $FirstVersion | Should -Be $LocalZipSha
    }

    It 'replaces other bytes found at the template''s key too' {
        $templatePath = Join-Path (Split-Path $ManifestPath) 'templates/order-monitoring.json'
        $hash = (Get-FileHash $templatePath -Algorithm SHA256).Hash.ToLowerInvariant()
        $templateKey = "templates/$($hash.Substring(0, 12))/order-monitoring.json"
        $planted = [Amazon.S3.Model.PutObjectRequest]@{ BucketName = $Bucket; Key = $templateKey; ContentBody = '{"Resources":{}}' }
        $null = $S3.PutObjectAsync($planted).GetAwaiter().GetResult()

        $stack = New-OrderMonitoringStack -Environment art3 -ProcessorTrigger External @Aws -WarningAction SilentlyContinue -ErrorAction Stop
        $stack.Status | Should -Be 'CREATE_COMPLETE'
        $stack.TableName | Should -Be 'order-events-art3'
        $head = $S3.GetObjectMetadataAsync([Amazon.S3.Model.GetObjectMetadataRequest]@{ BucketName = $Bucket; Key = $templateKey; ChecksumMode = 'ENABLED' }).GetAwaiter().GetResult()
        $head.ChecksumSHA256 | Should -Be ([Convert]::ToBase64String([Security.Cryptography.SHA256]::HashData([IO.File]::ReadAllBytes($templatePath))))
    }
}

Describe 'A code signing configuration' {
    # AWS Signer and Lambda code signing are not emulated: the template tests check that the value reaches the
    # function; here only what the cmdlet accepts.
    It 'accepts nothing but a code signing configuration ARN, at binding' {
        $err = { New-OrderMonitoringStack -Environment csc -CodeSigningConfigArn 'arn:aws:lambda:us-east-1:123456789012:function:other' @Aws -ErrorAction Stop } |
            Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'ParameterArgumentValidationError,*'
        Get-OrderMonitoringStack -Environment csc @Aws -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }
}
