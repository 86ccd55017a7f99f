# Redeploying after removal, wiping a kept bucket, listing beside a broken stack: the lifecycle a user goes through,
# as they run it, against moto on 127.0.0.1.
BeforeAll {
    $script:ManifestPath = $env:ORDERMONITORING_MODULE
    if (-not $script:ManifestPath) { throw 'Run through build.ps1 test (ORDERMONITORING_MODULE names the staged manifest).' }
    Import-Module (Join-Path $PSScriptRoot 'TestSupport/MotoServer.psm1') -Force
    Import-Module $ManifestPath -Force
    Import-Module (Join-Path $PSScriptRoot 'OrdersTestSupport.psm1') -Force
    $script:Server = Start-MotoServer
    $script:Aws = @{ EndpointUrl = $Server.Endpoint; Region = 'us-east-1'; AccessKey = 'test'; SecretKey = 'test' }
    $script:Factory = New-TestClientFactory -EndpointUrl $Server.Endpoint
    $script:SavedCheckpointDir = $env:ORDERMONITORING_CHECKPOINT_DIR
    $env:ORDERMONITORING_CHECKPOINT_DIR = Join-Path $TestDrive 'checkpoints'

    function Test-Bucket([string] $Name) {
        $s3 = $Factory.CreateS3()
        try { $null = $s3.ListObjectsV2Async([Amazon.S3.Model.ListObjectsV2Request]@{ BucketName = $Name; MaxKeys = 1 }).GetAwaiter().GetResult(); $true }
        catch [Amazon.S3.AmazonS3Exception] { if ($_.Exception.StatusCode -eq 'NotFound') { $false } else { throw } }
        finally { $s3.Dispose() }
    }
}

AfterAll {
    if ($script:Server) { Stop-MotoServer $script:Server }
    $env:ORDERMONITORING_CHECKPOINT_DIR = $script:SavedCheckpointDir
}

Describe 'Deploy, remove, deploy again: the kept audit and failed-batches buckets are adopted' {
    BeforeAll {
        $script:Env = @{ Environment = 'lcycle' } + $Aws
        $script:Bucket = 'order-audit-logs-lcycle-123456789012-us-east-1'
        $script:FailedBatches = 'order-failed-batches-lcycle-123456789012-us-east-1'
        $null = New-OrderMonitoringStack @Env -ProcessorTrigger External
        $script:First = @(Send-TestOrderEvent @Env -Count 3 -FailedPercent 0)
        $null = Invoke-OrderEventProcessor @Env -FromStream
        Remove-OrderMonitoringStack @Env -Force
    }

    It 'kept the audit and failed-batches buckets when the stack went' {
        Test-Bucket $Bucket | Should -BeTrue
        Test-Bucket $FailedBatches | Should -BeTrue
        Get-OrderMonitoringStack @Env -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'deploys the same environment again, writing to the kept bucket' {
        $stack = New-OrderMonitoringStack @Env -ProcessorTrigger External -WarningVariable warnings -WarningAction SilentlyContinue
        $stack.Status | Should -Be 'CREATE_COMPLETE'
        $stack.AuditBucketName | Should -Be $Bucket
        $stack.FailedBatchesBucketName | Should -Be $FailedBatches
        ($warnings -join "`n") | Should -BeLike "*$Bucket was kept*"
        ($warnings -join "`n") | Should -BeLike "*failed-batches bucket $FailedBatches was kept*"
        $script:Second = $stack
    }

    It 'shows the records of the first deployment and audits new ones into the same history' {
        $old = @(Get-OrderAuditLog @Env -OrderId $First[0].OrderId)
        $old | Should -HaveCount 1
        $new = @(Send-TestOrderEvent @Env -Count 1 -FailedPercent 0)
        $run = Invoke-OrderEventProcessor @Env -FromStream
        $run.Audited | Should -Be 1
        @(Get-OrderAuditLog @Env -OrderId $new[0].OrderId) | Should -HaveCount 1
        @(Get-OrderAuditLog @Env -OrderId $First[1].OrderId) | Should -HaveCount 1
    }

    It 'keeps the buckets on a second removal and deletes both with -DeleteAuditData when no stack is left' {
        Remove-OrderMonitoringStack @Env -Force
        Test-Bucket $Bucket | Should -BeTrue
        Test-Bucket $FailedBatches | Should -BeTrue
        Remove-OrderMonitoringStack @Env -Force -DeleteAuditData
        Test-Bucket $Bucket | Should -BeFalse
        Test-Bucket $FailedBatches | Should -BeFalse
    }
}

Describe 'Deletes and writes that ask' {
    BeforeAll {
        $script:Pwsh = Join-Path $PSHOME ($IsWindows ? 'pwsh.exe' : 'pwsh')
        $script:Ask = @{ Environment = 'lcask' } + $Aws
        $null = New-OrderMonitoringStack @Ask -ProcessorTrigger External
    }

    It 'fails with its own error, not the host''s, when a prompt cannot be shown (pwsh -NonInteractive)' {
        $script = "Import-Module '$ManifestPath'; try { Remove-OrderMonitoringStack -Environment lcask -DeleteAuditData " +
            "-EndpointUrl '$($Server.Endpoint)' -Region us-east-1 -AccessKey test -SecretKey test -ErrorAction Stop } " +
            "catch { `$_.FullyQualifiedErrorId; `$_.CategoryInfo.Category.ToString(); `$_.ErrorDetails.RecommendedAction; `$_.Exception.Message }"
        $lines = @(& $Pwsh -NoProfile -NonInteractive -Command $script 2>&1 | ForEach-Object ToString)
        $lines[0] | Should -BeLike 'ConfirmationNotPossible,*'
        $lines[1] | Should -Be 'InvalidOperation'
        ($lines -join "`n") | Should -BeLike '*-Force*-Confirm:$false*'
        (Get-OrderMonitoringStack @Ask).Status | Should -Be 'CREATE_COMPLETE'
    }

    It 'writes no order with Send-TestOrderEvent -WhatIf and processes nothing with Invoke-OrderEventProcessor -WhatIf' {
        @(Send-TestOrderEvent @Ask -Count 2 -WhatIf) | Should -HaveCount 0
        @(Invoke-OrderEventProcessor @Ask -FromStream -WhatIf) | Should -HaveCount 0
        $run = Invoke-OrderEventProcessor @Ask -FromStream
        $run.Records | Should -Be 0
    }

    It 'deletes the stack and the data with -Force' {
        Remove-OrderMonitoringStack @Ask -Force -DeleteAuditData
        Test-Bucket 'order-audit-logs-lcask-123456789012-us-east-1' | Should -BeFalse
        Test-Bucket 'order-failed-batches-lcask-123456789012-us-east-1' | Should -BeFalse
    }
}
