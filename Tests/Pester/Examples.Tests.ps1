# The scripts in examples/ as users run them, against moto: the CI pipeline (review, deploy, smoke test, gates, exit
# codes) and the scheduled runbook (health check, remediation, exit codes).
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport/MotoServer.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'TestSupport/CapturedHost.psm1') -Force
    $script:ManifestPath = $env:ORDERMONITORING_MODULE
    $script:Examples = Join-Path $PSScriptRoot '../../examples'
    $script:Server = Start-MotoServer
    $script:SavedEnvironment = Use-MotoEnvironment -Server $Server
    $script:SavedCheckpoints = $env:ORDERMONITORING_CHECKPOINT_DIR
    $env:ORDERMONITORING_CHECKPOINT_DIR = Join-Path $TestDrive 'checkpoints'
    $script:Connection = @{ Region = 'us-east-1'; EndpointUrl = $Server.Endpoint; Module = $ManifestPath }
    $script:Aws = @{ Region = 'us-east-1'; EndpointUrl = $Server.Endpoint }

    function Invoke-Example([string] $Name, [hashtable] $Arguments) {
        # In this process, as a scheduler's pwsh -File would run it: exit codes arrive in $LASTEXITCODE, host lines
        # (the information stream) and objects are both kept. It runs in a runspace whose host keeps what it would
        # print (the review stage's "What if:" lines, errors and warnings the script lets through), so a passing run
        # stays quiet.
        $run = Invoke-CapturedHost {
            $global:LASTEXITCODE = $null
            & $Script @Arguments 6>&1
            [pscustomobject]@{ PSTypeName = 'OrderMonitoringTests.ExitCode'; Value = $global:LASTEXITCODE }
        } @{ Script = (Join-Path $Examples $Name); Arguments = $Arguments }
        if ($run.Exception) { throw $run.Exception }
        $output = @($run.Output | Where-Object { $_.pstypenames -notcontains 'OrderMonitoringTests.ExitCode' })
        [pscustomobject]@{
            ExitCode  = ($run.Output | Where-Object { $_.pstypenames -contains 'OrderMonitoringTests.ExitCode' }).Value
            Text      = ($output | Where-Object { $_ -is [System.Management.Automation.InformationRecord] } | ForEach-Object { "$_" }) -join "`n"
            Objects   = @($output | Where-Object { $_ -isnot [System.Management.Automation.InformationRecord] })
            HostLines = $run.HostLines
        }
    }

    function Send-FailedBatchMessage([string] $QueueUrl) {
        # What Lambda leaves in the failure queue when it gives up on a batch (moto checks no signature).
        $null = Invoke-WebRequest -Uri $Server.Endpoint -Method Post -UseBasicParsing -Headers @{
            Authorization = 'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=0' } -Body @{
            Action = 'SendMessage'; Version = '2012-11-05'; QueueUrl = $QueueUrl; MessageBody = '{"requestContext":{"condition":"RetryAttemptsExhausted"}}' }
    }
}

AfterAll {
    $env:ORDERMONITORING_CHECKPOINT_DIR = $SavedCheckpoints
    if ($script:SavedEnvironment) { Restore-Environment $SavedEnvironment }
    if ($script:Server) { Stop-MotoServer $Server }
}

Describe 'examples/Deploy-OrderMonitoring.ps1 (CI pipeline)' {
    It 'with -ReviewOnly prints the plan, changes nothing and exits 0' {
        $run = Invoke-Example 'Deploy-OrderMonitoring.ps1' (@{ Environment = 'cireview'; ReviewOnly = $true } + $Connection)

        $run.ExitCode | Should -Be 0 -Because $run.Text
        $run.Text | Should -BeLike '*planned change(s)*'
        $run.Text | Should -Not -BeLike '*Deploy:*'
        { Get-OrderMonitoringStack -Environment cireview -Region us-east-1 -EndpointUrl $Server.Endpoint -ErrorAction Stop } | Should -Throw
    }

    It 'reviews, deploys, smoke-tests with -Wait, passes the gates and exits 0' {
        $run = Invoke-Example 'Deploy-OrderMonitoring.ps1' (@{ Environment = 'ci'; ProcessorTrigger = 'External'; SmokeOrders = 3; SmokeTimeoutSeconds = 60 } + $Connection)

        $run.ExitCode | Should -Be 0 -Because $run.Text
        $run.Text | Should -BeLike '*Review: New-OrderMonitoringStack -Environment ci -WhatIf*'
        $run.Text | Should -BeLike '*order-monitoring-ci: *COMPLETE*'
        $run.Text | Should -BeLike '*3 order(s) audited.*'
        $run.Text | Should -BeLike '*Health gate*healthy*'
        $run.Text | Should -BeLike '*Audit gate*complete*'
        $run.Text | Should -BeLike '*Pipeline passed*'
        Get-Job -Name 'order-processor-ci' -ErrorAction Ignore | Should -BeNullOrEmpty -Because 'the stand-in trigger is stopped and removed'
    }

    It 'fails the audit gate with exit code 50 naming the finding when an audit object was deleted' {
        Import-Module (Join-Path $PSScriptRoot 'OrdersTestSupport.psm1') -Force
        $factory = New-TestClientFactory -EndpointUrl $Server.Endpoint
        $stack = Get-OrderMonitoringStack -Environment ci @Aws
        Enable-BucketVersioning -Factory $factory -BucketName $stack.AuditBucketName
        $order = Send-TestOrderEvent -Environment ci @Aws -OrderId 'ORD-CI-GONE' -Status 'PENDING'
        $null = Invoke-OrderEventProcessor -Environment ci @Aws -FromStream -NoMetrics -WarningVariable processorWarnings -WarningAction SilentlyContinue
        Assert-OnlyUnsignedDigestWarning $processorWarnings
        $key = (Get-OrderAuditLog -Environment ci @Aws -OrderId $order.OrderId).Key
        $null = $factory.CreateS3().DeleteObjectAsync($stack.AuditBucketName, $key).GetAwaiter().GetResult()

        $run = Invoke-Example 'Deploy-OrderMonitoring.ps1' (@{ Environment = 'ci'; ProcessorTrigger = 'External'; SmokeOrders = 1; SmokeTimeoutSeconds = 60 } + $Connection)

        $run.ExitCode | Should -Be 50 -Because $run.Text
        $run.Text | Should -BeLike '*FAILED (50): the audit log is incomplete: DeletedAudit ORD-CI-GONE*'
    }

    It 'fails the health gate with exit code 40 and the reasons when a failed batch waits in the failure queue' {
        $stack = Get-OrderMonitoringStack -Environment ci -Region us-east-1 -EndpointUrl $Server.Endpoint
        Send-FailedBatchMessage $stack.FailureQueueUrl

        $run = Invoke-Example 'Deploy-OrderMonitoring.ps1' (@{ Environment = 'ci'; ProcessorTrigger = 'External'; SmokeOrders = 1; SmokeTimeoutSeconds = 60 } + $Connection)

        $run.ExitCode | Should -Be 40 -Because $run.Text
        $run.Text | Should -BeLike '*FAILED (40): unhealthy: 1 message(s) in the failure queue*'
    }

    It 'fails the smoke test with exit code 30 when no processor runs' {
        # -ProcessorTrigger Lambda on moto: the mapping exists but moto runs no Lambda, so no audit object appears.
        $run = Invoke-Example 'Deploy-OrderMonitoring.ps1' (@{ Environment = 'cinolambda'; SmokeOrders = 1; SmokeTimeoutSeconds = 2 } + $Connection)

        $run.ExitCode | Should -Be 30 -Because $run.Text
        $run.Text | Should -BeLike '*FAILED (30):*'
    }
}

Describe 'examples/Invoke-OrderMonitoringRunbook.ps1 (scheduled health check)' {
    BeforeAll {
        $script:Healthy = Invoke-Example 'Deploy-OrderMonitoring.ps1' (@{ Environment = 'rbok'; ProcessorTrigger = 'External'; SmokeOrders = 1 } + $Connection)
        $null = Invoke-Example 'Deploy-OrderMonitoring.ps1' (@{ Environment = 'rbbad'; ProcessorTrigger = 'External'; SmokeOrders = 1 } + $Connection)
        Send-FailedBatchMessage (Get-OrderMonitoringStack -Environment rbbad -Region us-east-1 -EndpointUrl $Server.Endpoint).FailureQueueUrl
    }

    It 'reports a healthy environment and exits 0' {
        $Healthy.ExitCode | Should -Be 0 -Because $Healthy.Text
        $run = Invoke-Example 'Invoke-OrderMonitoringRunbook.ps1' (@{ Environment = @('rbok') } + $Connection)

        $run.ExitCode | Should -Be 0
        $run.Objects | Should -HaveCount 1
        $run.Objects[0].Environment | Should -Be 'rbok'
        $run.Objects[0].Healthy | Should -BeTrue
    }

    It 'reports every environment, exits 1 when one is unhealthy, and names the reasons' {
        $run = Invoke-Example 'Invoke-OrderMonitoringRunbook.ps1' (@{ Environment = @('rbok', 'rbbad') } + $Connection)

        $run.ExitCode | Should -Be 1
        ($run.Objects | Where-Object Environment -EQ 'rbok').Healthy | Should -BeTrue
        $bad = $run.Objects | Where-Object Environment -EQ 'rbbad'
        $bad.Healthy | Should -BeFalse
        $bad.Reasons | Should -BeLike '1 message(s) in the failure queue*'
    }

    It 'with -Remediate replays an unreadable failed batch as an error and stays unhealthy' {
        $run = Invoke-Example 'Invoke-OrderMonitoringRunbook.ps1' (@{ Environment = @('rbbad'); Remediate = $true } + $Connection)

        $run.ExitCode | Should -Be 1
        @($run.Objects[0].Actions)[0] | Should -BeLike 'replayed failed batches: 0 batch(es) replayed, 1 error(s): FailedBatchUnreadable*'
    }

    It 'names a lost batch and a deleted audit object; with -Remediate replays the batch but only alerts on the deletion, which a person repairs' {
        Import-Module (Join-Path $PSScriptRoot 'OrdersTestSupport.psm1') -Force
        $factory = New-TestClientFactory -EndpointUrl $Server.Endpoint
        $null = Invoke-Example 'Deploy-OrderMonitoring.ps1' (@{ Environment = 'rbfix'; ProcessorTrigger = 'External'; SmokeOrders = 1 } + $Connection)
        $stack = Get-OrderMonitoringStack -Environment rbfix @Aws
        Enable-BucketVersioning -Factory $factory -BucketName $stack.AuditBucketName
        # One order audited and then its audit object deleted behind the module's back ...
        $gone = Send-TestOrderEvent -Environment rbfix @Aws -OrderId 'ORD-RB-GONE' -Status 'PENDING'
        $null = Invoke-OrderEventProcessor -Environment rbfix @Aws -FromStream -NoMetrics -WarningVariable processorWarnings -WarningAction SilentlyContinue
        Assert-OnlyUnsignedDigestWarning $processorWarnings
        $key = (Get-OrderAuditLog -Environment rbfix @Aws -OrderId $gone.OrderId).Key
        $null = $factory.CreateS3().DeleteObjectAsync($stack.AuditBucketName, $key).GetAwaiter().GetResult()
        # ... and two orders whose batch Lambda gave up on: only its range waits in the failure queue.
        $null = Send-TestOrderEvent -Environment rbfix @Aws -OrderId 'ORD-RB-1' -Status 'PENDING'
        $null = Send-TestOrderEvent -Environment rbfix @Aws -OrderId 'ORD-RB-2' -Status 'FAILED'
        Send-MetadataOnlyFailure -Factory $factory -TableName $stack.TableName -QueueUrl $stack.FailureQueueUrl -OrderId 'ORD-RB-1', 'ORD-RB-2' | Should -Be 2

        $check = Invoke-Example 'Invoke-OrderMonitoringRunbook.ps1' (@{ Environment = @('rbfix') } + $Connection)
        $check.ExitCode | Should -Be 3
        $check.Objects[0].Reasons | Should -Contain 'audit log incomplete: DeletedAudit ORD-RB-GONE'
        $check.Objects[0].Reasons | Should -Contain "integrity finding(s) for a person: DeletedAudit $key"
        @($check.Objects[0].Reasons | Where-Object { $_ -like '*failure queue*' }) | Should -HaveCount 1

        $run = Invoke-Example 'Invoke-OrderMonitoringRunbook.ps1' (@{ Environment = @('rbfix'); Remediate = $true } + $Connection)

        $run.ExitCode | Should -Be 3 -Because ($run.Objects | ConvertTo-Json -Depth 4)
        $run.Objects[0].Healthy | Should -BeFalse
        $run.Objects[0].Actions | Should -Be @('replayed failed batches: 1 batch(es) replayed, 0 error(s)')
        "$($run.Objects[0].Integrity.Kind)" | Should -Be 'DeletedAudit'
        ($run.HostLines -join "`n") | Should -BeLike "*DeletedAudit $key needs a person*"
        (Get-OrderAuditLog -Environment rbfix @Aws -OrderId 'ORD-RB-2').Status | Should -Be 'FAILED'
        @($factory.CreateS3().ListVersionsAsync([Amazon.S3.Model.ListVersionsRequest]@{ BucketName = $stack.AuditBucketName; Prefix = $key }).GetAwaiter().GetResult().Versions |
            Where-Object IsLatest).IsDeleteMarker | Should -BeTrue

        # The person repairs it (signed with the stack's repair key; moto's template key cannot sign, so an ECC key is passed).
        Set-StackRepairSigningKey -Factory $factory -Environment rbfix -Aws $Aws -KeyArn (New-TestSigningKey -Factory $factory)
        (Repair-OrderAuditLog -Environment rbfix @Aws -Confirm:$false -WarningAction SilentlyContinue).Key | Should -Be $key
        $after = Invoke-Example 'Invoke-OrderMonitoringRunbook.ps1' (@{ Environment = @('rbfix'); Remediate = $true } + $Connection)
        $after.ExitCode | Should -Be 0 -Because ($after.Objects | ConvertTo-Json -Depth 4)
        (Get-OrderAuditLog -Environment rbfix @Aws -OrderId 'ORD-RB-GONE').Key | Should -Be $key
    }

    It 'exits 2 for an environment that cannot be checked, still reporting the others' {
        $run = Invoke-Example 'Invoke-OrderMonitoringRunbook.ps1' (@{ Environment = @('nosuchenv', 'rbok') } + $Connection)

        $run.ExitCode | Should -Be 2
        ($run.Objects | Where-Object Environment -EQ 'nosuchenv').Reasons | Should -BeLike 'could not be checked: StackNotFound*'
        ($run.Objects | Where-Object Environment -EQ 'rbok').Healthy | Should -BeTrue
    }
}

Describe 'build/Demo.ps1 (build.ps1 demo)' {
    It 'uses the public cmdlets only (nothing from Tests/) and runs to the end against its own moto' {
        $demo = Join-Path $PSScriptRoot '../../build/Demo.ps1'
        Get-Content -Raw $demo | Should -Not -Match 'Tests[/\\]|TestSupport|OrderMonitoring\.(Aws|Cmdlets|Processor)\.'

        # A fresh pwsh, as build.ps1 runs it; the demo starts and stops its own server.
        $output = & (Join-Path $PSHOME ($IsWindows ? 'pwsh.exe' : 'pwsh')) -NoProfile -NonInteractive -File $demo -ModuleManifest $ManifestPath 2>&1 | Out-String
        $LASTEXITCODE | Should -Be 0 -Because $output
        $output | Should -BeLike '*Audited*43*'
        $output | Should -BeLike '*Stopping moto*'
    }
}
