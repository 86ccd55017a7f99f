# Redeploying after removal, wiping a kept bucket, listing beside a broken stack: the lifecycle a user goes through,
# as they run it, against moto on 127.0.0.1.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport/OrdersSuite.ps1')

    function Test-Bucket([string] $Name) {
        $s3 = $Factory.CreateS3()
        try { $null = $s3.ListObjectsV2Async([Amazon.S3.Model.ListObjectsV2Request]@{ BucketName = $Name; MaxKeys = 1 }).GetAwaiter().GetResult(); $true }
        catch [Amazon.S3.AmazonS3Exception] { if ($_.Exception.StatusCode -eq 'NotFound') { $false } else { throw } }
        finally { $s3.Dispose() }
    }
}

AfterAll { Stop-OrdersSuite }

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
        $plan = Invoke-CapturedHost { Send-TestOrderEvent @Ask -Count 2 -WhatIf; Invoke-OrderEventProcessor @Ask -FromStream -WhatIf } @{ Ask = $Ask }
        $plan.Output | Should -HaveCount 0
        $plan.HostLines | Should -HaveCount 2
        $plan.HostLines[0] | Should -BeLike 'What if: *Write 2 order event(s)*'
        $plan.HostLines[1] | Should -BeLike 'What if: *Process the stream''s records*'
        $run = Invoke-OrderEventProcessor @Ask -FromStream
        $run.Records | Should -Be 0
    }

    It 'still asks about the data after "Yes to All" to the stack prompt, and "No" keeps the buckets' {
        # A host that answers the way a person at the console would: A at the stack's ShouldProcess prompt (which
        # PowerShell remembers for every later ShouldProcess), then N at each data question.
        Add-Type -Path (Join-Path $PSScriptRoot 'TestSupport/ScriptedHost.cs')
        $yta = @{ Environment = 'lcyta' } + $Aws
        $null = New-OrderMonitoringStack @yta -ProcessorTrigger External
        $buckets = 'order-audit-logs-lcyta-123456789012-us-east-1', 'order-failed-batches-lcyta-123456789012-us-east-1'
        $ui = [OrderMonitoringTests.ScriptedHostUI]::new()
        $runspace = [runspacefactory]::CreateRunspace([OrderMonitoringTests.ScriptedHost]::new($ui))
        $runspace.Open()
        $shell = [powershell]::Create()
        $shell.Runspace = $runspace
        try {
            $null = $shell.AddScript('param($Manifest, $Arguments) Import-Module $Manifest; Remove-OrderMonitoringStack @Arguments -DeleteAuditData').
                AddArgument($ManifestPath).AddArgument($yta)
            $null = $shell.Invoke()
            $shell.Streams.Error | Should -BeNullOrEmpty
        }
        finally {
            $shell.Dispose()
            $runspace.Dispose()
        }

        $ui.Prompts | Should -HaveCount 3
        $ui.Prompts[0].Answer | Should -Be 'Yes to &All'
        $ui.Prompts[0].Message | Should -BeLike '*order-monitoring-lcyta*'
        foreach ($question in $ui.Prompts[1..2]) {
            $question.Answer | Should -Be '&No'
            $question.Choices | Should -Not -Contain 'Yes to &All' -Because 'the data question is ShouldContinue, which a remembered Yes to All does not answer'
        }
        foreach ($bucket in $buckets) { @($ui.Prompts[1..2] | Where-Object Message -Like "*$bucket*") | Should -HaveCount 1 }
        @(Get-OrderMonitoringStack @yta -ErrorAction SilentlyContinue) | Should -HaveCount 0 -Because 'Yes to All removed the stack'
        foreach ($bucket in $buckets) { Test-Bucket $bucket | Should -BeTrue -Because "No keeps $bucket" }
    }

    It 'deletes the stack and the data with -Force' {
        Remove-OrderMonitoringStack @Ask -Force -DeleteAuditData
        Test-Bucket 'order-audit-logs-lcask-123456789012-us-east-1' | Should -BeFalse
        Test-Bucket 'order-failed-batches-lcask-123456789012-us-east-1' | Should -BeFalse
    }
}
