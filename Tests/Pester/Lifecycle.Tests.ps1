# Redeploying after removal, wiping a kept bucket, listing beside a broken stack: the lifecycle a user goes through,
# as they run it, against moto on 127.0.0.1.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport/OrdersSuite.ps1')

    $script:Pwsh = Join-Path $PSHOME ($IsWindows ? 'pwsh.exe' : 'pwsh')

    function Get-TableState([string] $Name) {
        $dynamo = $Factory.CreateDynamoDB()
        try { $dynamo.DescribeTableAsync($Name).GetAwaiter().GetResult().Table }
        catch [Amazon.DynamoDBv2.Model.ResourceNotFoundException] { $null }
        finally { $dynamo.Dispose() }
    }

    function Get-TableItemCount([string] $Name, [string] $OrderId) {
        $dynamo = $Factory.CreateDynamoDB()
        try {
            $values = [System.Collections.Generic.Dictionary[string, Amazon.DynamoDBv2.Model.AttributeValue]]::new()
            $values[':id'] = [Amazon.DynamoDBv2.Model.AttributeValue]@{ S = $OrderId }
            $query = [Amazon.DynamoDBv2.Model.QueryRequest]@{ TableName = $Name; KeyConditionExpression = 'orderId = :id'; ExpressionAttributeValues = $values }
            $dynamo.QueryAsync($query).GetAwaiter().GetResult().Count
        }
        finally { $dynamo.Dispose() }
    }

    function Test-Bucket([string] $Name) {
        $s3 = $Factory.CreateS3()
        try { $null = $s3.ListObjectsV2Async([Amazon.S3.Model.ListObjectsV2Request]@{ BucketName = $Name; MaxKeys = 1 }).GetAwaiter().GetResult(); $true }
        catch [Amazon.S3.AmazonS3Exception] { if ($_.Exception.StatusCode -eq 'NotFound') { $false } else { throw } }
        finally { $s3.Dispose() }
    }
}

AfterAll { Stop-OrdersSuite }

Describe 'Deploy, remove, deploy again: the kept order table and buckets are adopted' {
    BeforeAll {
        $script:Env = @{ Environment = 'lcycle' } + $Aws
        $script:Table = 'order-events-lcycle'
        $script:Bucket = 'order-audit-logs-lcycle-123456789012-us-east-1'
        $script:FailedBatches = 'order-failed-batches-lcycle-123456789012-us-east-1'
        $null = New-OrderMonitoringStack @Env -ProcessorTrigger External
        # moto's CloudFormation ignores the bucket's VersioningConfiguration; the S3 API honours it (as AWS's stack would set it).
        Enable-BucketVersioning -Factory $Factory -BucketName $Bucket
        $script:First = @(Send-TestOrderEvent @Env -Count 3 -FailedPercent 0)
        $null = Invoke-OrderEventProcessor @Env -FromStream -WarningVariable processorWarnings -WarningAction SilentlyContinue
        Assert-OnlyUnsignedDigestWarning $processorWarnings
        Remove-OrderMonitoringStack @Env -Force
    }

    It 'kept the order table (its orders, its deletion protection) and both buckets when the stack went' {
        Test-Bucket $Bucket | Should -BeTrue
        Test-Bucket $FailedBatches | Should -BeTrue
        Get-OrderMonitoringStack @Env -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $table = Get-TableState $Table
        $table.DeletionProtectionEnabled | Should -BeTrue
        $table.ItemCount | Should -Be 3
    }

    It 'deploys the same environment again, using the kept table and its stream and writing to the kept buckets' {
        $stream = (Get-TableState $Table).LatestStreamArn
        $stack = New-OrderMonitoringStack @Env -ProcessorTrigger External -WarningVariable warnings -WarningAction SilentlyContinue
        $stack.Status | Should -Be 'CREATE_COMPLETE'
        $stack.TableName | Should -Be $Table
        $stack.StreamArn | Should -Be $stream
        $stack.AuditBucketName | Should -Be $Bucket
        $stack.FailedBatchesBucketName | Should -Be $FailedBatches
        ($warnings -join "`n") | Should -BeLike "*order table $Table was kept*"
        ($warnings -join "`n") | Should -BeLike "*$Bucket was kept*"
        ($warnings -join "`n") | Should -BeLike "*failed-batches bucket $FailedBatches was kept*"
    }

    It 'still has the earlier orders, shows their records and audits new changes into the same history' {
        foreach ($order in $First) { Get-TableItemCount $Table $order.OrderId | Should -Be 1 }
        @(Get-OrderAuditLog @Env -OrderId $First[0].OrderId) | Should -HaveCount 1
        $new = @(Send-TestOrderEvent @Env -Count 1 -FailedPercent 0)
        $changed = [pscustomobject]@{ OrderId = $First[1].OrderId; Timestamp = $First[1].Timestamp; Status = 'CANCELLED' } | Send-TestOrderEvent @Env -Force   # an update of an existing item, asked for
        $run = Invoke-OrderEventProcessor @Env -FromStream -WarningVariable processorWarnings -WarningAction SilentlyContinue
        Assert-OnlyUnsignedDigestWarning $processorWarnings
        $run.Audited | Should -Be 2
        @(Get-OrderAuditLog @Env -OrderId $new[0].OrderId) | Should -HaveCount 1
        (@(Get-OrderAuditLog @Env -OrderId $changed.OrderId) | Sort-Object ProcessedAt)[-1].Status | Should -Be 'CANCELLED'
    }

    It 'finds the trail complete: no earlier order is reported as MissingRemove' {
        $check = Test-OrderAuditLog @Env -IgnorePending
        $check.Findings | Should -BeNullOrEmpty
        $check.Complete | Should -BeTrue
        $check.OrdersChecked | Should -Be 4
        Test-OrderAuditLog @Env -IgnorePending -Quiet | Should -BeTrue
    }

    It 'keeps the table and the buckets on a second removal, and -Force alone deletes no data where nobody can answer' {
        Remove-OrderMonitoringStack @Env -Force
        $script = "Import-Module '$ManifestPath'; try { Remove-OrderMonitoringStack -Environment lcycle -DeleteOrderTable -DeleteAuditData -Force " +
            "-EndpointUrl '$($Server.Endpoint)' -Region us-east-1 -AccessKey test -SecretKey test -ErrorAction Stop } " +
            "catch { `$_.FullyQualifiedErrorId; `$_.ErrorDetails.RecommendedAction }"
        $lines = @(& $Pwsh -NoProfile -NonInteractive -Command $script 2>&1 | ForEach-Object ToString)
        $lines[0] | Should -BeLike 'ConfirmationNotPossible,*'
        $lines[1] | Should -BeLike "*-ConfirmDeletionOf*'$Table'*'$Bucket'*'$FailedBatches'*"
        Get-TableState $Table | Should -Not -BeNullOrEmpty
        Test-Bucket $Bucket | Should -BeTrue
        Test-Bucket $FailedBatches | Should -BeTrue
    }

    It 'deletes the kept table and buckets when no stack is left and the caller names each of them' {
        Remove-OrderMonitoringStack @Env -DeleteOrderTable -DeleteAuditData -ConfirmDeletionOf $Table, $Bucket, $FailedBatches
        Get-TableState $Table | Should -BeNullOrEmpty
        Test-Bucket $Bucket | Should -BeFalse
        Test-Bucket $FailedBatches | Should -BeFalse
    }
}

Describe 'A table deleted on purpose and created again: its history is told apart from a missing REMOVE' {
    BeforeAll {
        $script:Again = @{ Environment = 'lcnew' } + $Aws
        $script:NewTable = 'order-events-lcnew'
        $null = New-OrderMonitoringStack @Again -ProcessorTrigger External
        Enable-BucketVersioning -Factory $Factory -BucketName 'order-audit-logs-lcnew-123456789012-us-east-1'
        $script:Before = @(Send-TestOrderEvent @Again -Count 2 -FailedPercent 0)
        $null = Invoke-OrderEventProcessor @Again -FromStream -WarningVariable processorWarnings -WarningAction SilentlyContinue
        Assert-OnlyUnsignedDigestWarning $processorWarnings
        $lastChange = ($Before | ForEach-Object { Get-OrderAuditLog @Again -OrderId $_.OrderId } | Measure-Object ApproximateCreationTime -Maximum).Maximum
        Remove-OrderMonitoringStack @Again -Force -DeleteOrderTable -ConfirmDeletionOf $NewTable
        # Stream times are whole seconds, and a change in the second a table was created counts as that table's. A real
        # deployment takes minutes; moto can create the new table within the second of the last change, so wait for the next.
        while ([DateTimeOffset]::UtcNow -lt ([DateTimeOffset]$lastChange).AddSeconds(1)) { Start-Sleep -Milliseconds 100 }
        $script:Created = New-OrderMonitoringStack @Again -ProcessorTrigger External -WarningAction SilentlyContinue
        $script:After = @(Send-TestOrderEvent @Again -Count 1 -FailedPercent 0)
        $null = Invoke-OrderEventProcessor @Again -FromStream -WarningVariable processorWarnings -WarningAction SilentlyContinue
        Assert-OnlyUnsignedDigestWarning $processorWarnings
    }

    It 'deleted only the table it was told to, and the new stack has a new table' {
        Test-Bucket 'order-audit-logs-lcnew-123456789012-us-east-1' | Should -BeTrue
        $Created.TableName | Should -Be $NewTable
        (Get-TableState $NewTable).ItemCount | Should -Be 1
    }

    It 'reports the earlier orders as EarlierTable, not MissingRemove, and the audit gate passes' {
        $check = Test-OrderAuditLog @Again -IgnorePending
        @($check.Findings.Kind | Sort-Object -Unique) | Should -Be @('EarlierTable')
        @($check.Findings.OrderId | Sort-Object) | Should -Be @($Before.OrderId | Sort-Object)
        $check.TableCreated | Should -BeOfType [datetime]
        $check.Complete | Should -BeTrue
        Test-OrderAuditLog @Again -IgnorePending -Quiet | Should -BeTrue
    }

    It 'closes that history with REMOVE records saying the table was deleted, after which nothing is found' {
        # Every repair is signed with the stack's repair key; moto's template key is symmetric, so an ECC key is passed.
        Set-StackRepairSigningKey -Factory $Factory -Environment $Again.Environment -Aws $Aws -KeyArn (New-TestSigningKey -Factory $Factory)
        $repairs = @((Test-OrderAuditLog @Again).Findings | Repair-OrderAuditLog @Again -Confirm:$false)
        $repairs | Should -HaveCount 2
        foreach ($order in $Before) {
            $latest = @(Get-OrderAuditLog @Again -OrderId $order.OrderId | Sort-Object ProcessedAt)[-1]
            $latest.EventType | Should -Be 'REMOVE'
            $latest.DeletedBy | Should -Be 'table-deleted'
        }
        (Test-OrderAuditLog @Again).Findings | Should -BeNullOrEmpty
    }
}

Describe 'A Lambda-triggered stack on a kept table' {
    It 'points the new event source mapping at the kept table''s stream' {
        # moto runs no Lambda functions (no Docker), so what can be shown is the trigger's wiring, not an invocation.
        $lambda = @{ Environment = 'lclam' } + $Aws
        $null = New-OrderMonitoringStack @lambda -ProcessorTrigger Lambda
        Remove-OrderMonitoringStack @lambda -Force
        $stream = (Get-TableState 'order-events-lclam').LatestStreamArn
        $stack = New-OrderMonitoringStack @lambda -ProcessorTrigger Lambda -WarningAction SilentlyContinue
        $stack.StreamArn | Should -Be $stream
        $client = $Factory.CreateLambda()
        try {
            $mappings = [OrderMonitoring.Aws.Lambda.LambdaPaging]::ListAllEventSourceMappingsAsync($client, $stack.FunctionName, [System.Threading.CancellationToken]::None).GetAwaiter().GetResult()
        }
        finally { if ($client -is [IDisposable]) { $client.Dispose() } }
        @($mappings.EventSourceArn) | Should -Be @($stream)
        Remove-OrderMonitoringStack @lambda -Force
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
        $run = Invoke-OrderEventProcessor @Ask -FromStream -WarningVariable processorWarnings -WarningAction SilentlyContinue
        Assert-OnlyUnsignedDigestWarning $processorWarnings
        $run.Records | Should -Be 0
    }

    It 'still asks about the data after "Yes to All" to the stack prompt, with No as the default, and "No" keeps the table and the buckets' {
        # A host that answers the way a person at the console would: A at the stack's ShouldProcess prompt (which
        # PowerShell remembers for every later ShouldProcess), then N at each data question.
        Add-Type -Path (Join-Path $PSScriptRoot 'TestSupport/ScriptedHost.cs')
        $yta = @{ Environment = 'lcyta' } + $Aws
        $null = New-OrderMonitoringStack @yta -ProcessorTrigger External
        $buckets = 'order-audit-logs-lcyta-123456789012-us-east-1', 'order-failed-batches-lcyta-123456789012-us-east-1'
        $data = @('order-events-lcyta') + $buckets
        $ui = [OrderMonitoringTests.ScriptedHostUI]::new()
        $runspace = [runspacefactory]::CreateRunspace([OrderMonitoringTests.ScriptedHost]::new($ui))
        $runspace.Open()
        $shell = [powershell]::Create()
        $shell.Runspace = $runspace
        try {
            $null = $shell.AddScript('param($Manifest, $Arguments) Import-Module $Manifest; Remove-OrderMonitoringStack @Arguments -DeleteAuditData -DeleteOrderTable').
                AddArgument($ManifestPath).AddArgument($yta)
            $null = $shell.Invoke()
            $shell.Streams.Error | Should -BeNullOrEmpty
        }
        finally {
            $shell.Dispose()
            $runspace.Dispose()
        }

        $ui.Prompts | Should -HaveCount 4
        $ui.Prompts[0].Answer | Should -Be 'Yes to &All'
        $ui.Prompts[0].Message | Should -BeLike '*order-monitoring-lcyta*'
        foreach ($question in $ui.Prompts[1..3]) {
            $question.Answer | Should -Be '&No'
            $question.Default | Should -Be '&No' -Because 'Enter at a data deletion keeps the data'
            $question.Choices | Should -Not -Contain 'Yes to &All' -Because 'each data question is its own, which a remembered Yes to All does not answer'
        }
        foreach ($name in $data) { @($ui.Prompts[1..3] | Where-Object Message -Like "*$name*") | Should -HaveCount 1 }
        @(Get-OrderMonitoringStack @yta -ErrorAction SilentlyContinue) | Should -HaveCount 0 -Because 'Yes to All removed the stack'
        foreach ($bucket in $buckets) { Test-Bucket $bucket | Should -BeTrue -Because "No keeps $bucket" }
        $dynamo = $Factory.CreateDynamoDB()
        try { $dynamo.DescribeTableAsync('order-events-lcyta').GetAwaiter().GetResult().Table.TableStatus.Value | Should -Be 'ACTIVE' -Because 'No keeps the table' }
        finally { $dynamo.Dispose() }
    }

    It 'removes nothing when -Force comes with a data deletion nobody can answer, and deletes what the caller names' {
        $audit, $failed = 'order-audit-logs-lcask-123456789012-us-east-1', 'order-failed-batches-lcask-123456789012-us-east-1'
        $script = "Import-Module '$ManifestPath'; try { Remove-OrderMonitoringStack -Environment lcask -DeleteAuditData -Force " +
            "-EndpointUrl '$($Server.Endpoint)' -Region us-east-1 -AccessKey test -SecretKey test -ErrorAction Stop } " +
            "catch { `$_.FullyQualifiedErrorId; `$_.ErrorDetails.RecommendedAction }"
        $lines = @(& $Pwsh -NoProfile -NonInteractive -Command $script 2>&1 | ForEach-Object ToString)
        $lines[0] | Should -BeLike 'ConfirmationNotPossible,*'
        $lines[1] | Should -BeLike "*never confirmed by -Force*-ConfirmDeletionOf '$audit', '$failed'*"
        (Get-OrderMonitoringStack @Ask).Status | Should -Be 'CREATE_COMPLETE' -Because 'every question comes before any work'

        Remove-OrderMonitoringStack @Ask -Force -DeleteAuditData -ConfirmDeletionOf $audit, $failed
        Test-Bucket $audit | Should -BeFalse
        Test-Bucket $failed | Should -BeFalse
        @(Get-OrderMonitoringStack @Ask -ErrorAction SilentlyContinue) | Should -HaveCount 0
    }
}
