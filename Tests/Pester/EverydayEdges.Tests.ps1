# Everyday edges: the places where a new user, in an interactive session or a script, tripped over the module, typed
# here as they typed them; and a few small doors a security read found open. Against moto on 127.0.0.1; where a
# command would otherwise reach another machine, the test points it at a refusing loopback port first.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport/OrdersSuite.ps1')
    Import-Module (Join-Path $PSScriptRoot 'TestSupport/CapturedHost.psm1') -Force
    $script:Repo = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $script:Edges = @{ Environment = 'edges' } + $Aws
    $null = New-OrderMonitoringStack @Edges -ProcessorTrigger External

    function Invoke-ChildPwsh {
        <#
        A separate pwsh, as a scheduler or a terminal starts it: the arguments as given (a command line is split at
        spaces, its first word must be pwsh), the repository as working folder, and the environment changed only as
        Environment says ($null removes a variable). Returns ExitCode, Out and Err.
        #>
        param([string] $CommandLine, [string[]] $ArgumentList, [hashtable] $Environment = @{})
        if ($CommandLine) {
            $words = @($CommandLine.Trim() -split '\s+')
            $words[0] | Should -Be 'pwsh' -Because 'a documented command line starts pwsh'
            $ArgumentList = @($words | Select-Object -Skip 1)
        }
        $start = [System.Diagnostics.ProcessStartInfo]::new((Join-Path $PSHOME ($IsWindows ? 'pwsh.exe' : 'pwsh')))
        foreach ($argument in $ArgumentList) { $start.ArgumentList.Add($argument) }
        $start.WorkingDirectory = $Repo
        $start.UseShellExecute = $false
        $start.RedirectStandardOutput = $true
        $start.RedirectStandardError = $true
        foreach ($name in $Environment.Keys) {
            if ($null -eq $Environment[$name]) { $null = $start.Environment.Remove($name) } else { $start.Environment[$name] = $Environment[$name] }
        }
        # Plain text, as a log file receives it (no colour escapes).
        $start.Environment['NO_COLOR'] = '1'
        $process = [System.Diagnostics.Process]::Start($start)
        try {
            $out = $process.StandardOutput.ReadToEndAsync()
            $err = $process.StandardError.ReadToEndAsync()
            $process.WaitForExit()
            $plain = { param($text) $text -replace "`e\[[0-9;]*m", '' }
            [pscustomobject]@{ ExitCode = $process.ExitCode; Out = & $plain $out.GetAwaiter().GetResult(); Err = & $plain $err.GetAwaiter().GetResult() }
        }
        finally { $process.Dispose() }
    }

    function Set-Value([hashtable] $Table, [string] $Name, $Value) { $copy = $Table.Clone(); $copy[$Name] = $Value; $copy }

    # What a shell on a machine set up for moto has: the endpoint and dummy keys in the environment, the module where
    # Import-Module finds it by name.
    $script:MotoShell = @{
        AWS_ENDPOINT_URL = $Server.Endpoint; AWS_ACCESS_KEY_ID = 'test'; AWS_SECRET_ACCESS_KEY = 'test'; AWS_SESSION_TOKEN = $null
        AWS_REGION = 'us-east-1'; AWS_DEFAULT_REGION = 'us-east-1'; AWS_PROFILE = $null
        PSModulePath = Split-Path (Split-Path $ManifestPath); ORDERMONITORING_CHECKPOINT_DIR = $env:ORDERMONITORING_CHECKPOINT_DIR
    }
}

AfterAll { Stop-OrdersSuite }

Describe 'The examples, run with their documented command lines' {
    BeforeAll {
        # The runbook's example checks prod and staging in eu-west-1. moto refuses the legacy 'EU' location constraint
        # the SDK sends for eu-west-1 when the deployer creates its artifacts bucket; real S3 accepts it, and the region
        # name too. So the bucket is created here as S3 allows (constraint 'eu-west-1') and the deployer finds it.
        $null = Invoke-WebRequest -Method Put -Uri "$($Server.Endpoint)/order-monitoring-artifacts-123456789012-eu-west-1" -UseBasicParsing -Headers @{
            Authorization = 'AWS4-HMAC-SHA256 Credential=test/20260101/eu-west-1/s3/aws4_request, SignedHeaders=host, Signature=0' } -Body (
            '<CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><LocationConstraint>eu-west-1</LocationConstraint></CreateBucketConfiguration>')
        $europe = @{ Region = 'eu-west-1'; EndpointUrl = $Server.Endpoint; AccessKey = 'test'; SecretKey = 'test' }
        foreach ($name in 'prod', 'staging') { $null = New-OrderMonitoringStack -Environment $name -ProcessorTrigger External @europe }
        $script:RunbookLine = (Get-Help (Join-Path $Repo 'examples/Invoke-OrderMonitoringRunbook.ps1')).Examples.Example[0].Code.Trim()
    }

    It 'the runbook checks both environments of "-Environment prod,staging" (its help''s line, under pwsh -File)' {
        $RunbookLine | Should -BeLike 'pwsh -File examples/Invoke-OrderMonitoringRunbook.ps1 -Environment *'
        $run = Invoke-ChildPwsh -CommandLine $RunbookLine -Environment $MotoShell

        $run.ExitCode | Should -Be 0 -Because "$($run.Out)$($run.Err)"
        $run.Out | Should -Match 'Environment\s*:\s*prod\s+Healthy\s*:\s*True'
        $run.Out | Should -Match 'Environment\s*:\s*staging\s+Healthy\s*:\s*True'
    }

    It 'the runbook reads "-Environment prod, staging" typed with a space under pwsh -File as the same two environments' {
        $run = Invoke-ChildPwsh -CommandLine 'pwsh -File examples/Invoke-OrderMonitoringRunbook.ps1 -Environment prod, staging -Region eu-west-1' -Environment $MotoShell

        $run.ExitCode | Should -Be 0 -Because "$($run.Out)$($run.Err)"
        $run.Out | Should -Match 'Environment\s*:\s*prod\s+Healthy\s*:\s*True'
        $run.Out | Should -Match 'Environment\s*:\s*staging\s+Healthy\s*:\s*True'
    }

    It 'the runbook exits 2 (could not check), not 1 (unhealthy), when the module cannot be imported' {
        $nowhere = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'no-modules') -Force
        $run = Invoke-ChildPwsh -CommandLine $RunbookLine -Environment (Set-Value $MotoShell PSModulePath $nowhere.FullName)

        $run.ExitCode | Should -Be 2
        $run.Err | Should -BeLike "*module 'OrderMonitoring' could not be imported*"
    }

    It 'the deploy pipeline runs its documented -ReviewOnly line and exits 0' {
        $line = (Get-Help (Join-Path $Repo 'examples/Deploy-OrderMonitoring.ps1')).Examples.Example[1].Code.Trim()
        $line | Should -Be 'pwsh -File examples/Deploy-OrderMonitoring.ps1 -Environment pr42 -ReviewOnly'
        $run = Invoke-ChildPwsh -CommandLine $line -Environment $MotoShell

        $run.ExitCode | Should -Be 0 -Because "$($run.Out)$($run.Err)"
        $run.Out | Should -BeLike '*planned change(s)*'
    }

    It 'the deploy pipeline documents exit code 1 and says why when the module cannot be imported' {
        $help = Get-Help (Join-Path $Repo 'examples/Deploy-OrderMonitoring.ps1') -Full | Out-String
        $help | Should -Match '\b1\s+the module could not be imported'
        $nowhere = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'no-modules') -Force
        $run = Invoke-ChildPwsh -CommandLine 'pwsh -File examples/Deploy-OrderMonitoring.ps1 -Environment pr42 -ReviewOnly' -Environment (Set-Value $MotoShell PSModulePath $nowhere.FullName)

        $run.ExitCode | Should -Be 1
        $run.Out | Should -BeLike "*FAILED (1): the module 'OrderMonitoring' could not be imported*"
    }
}

Describe 'Which PowerShell the module runs on' {
    It 'declares PowerShell 7.6 and later and Windows PowerShell 5.1' {
        $manifest = Import-PowerShellDataFile $ManifestPath
        $manifest.PowerShellVersion | Should -Be '5.1'
        $manifest.CompatiblePSEditions | Should -Be @('Desktop', 'Core')
        $manifest.Description | Should -BeLike '*PowerShell 7.6 and later*Windows PowerShell 5.1*'
    }

    It 'refuses PowerShell 7.4 and 7.5 at import with a message that names the supported versions' {
        # The refusal cannot run for real here (this is 7.6); the root module's own check is run with their versions.
        $root = Join-Path (Split-Path $ManifestPath) 'OrderMonitoring.psm1'
        $ast = [System.Management.Automation.Language.Parser]::ParseFile($root, [ref] $null, [ref] $null)
        $check = $ast.Find({ param($node) $node -is [System.Management.Automation.Language.FunctionDefinitionAst] -and $node.Name -eq 'Assert-SupportedPowerShell' }, $false)
        $check | Should -Not -BeNullOrEmpty -Because 'the root module checks the host before it loads anything'
        $call = $ast.Find({ param($node) $node -is [System.Management.Automation.Language.CommandAst] -and $node.GetCommandName() -eq 'Assert-SupportedPowerShell' }, $true)
        $call.Extent.StartOffset | Should -BeLessThan $ast.Extent.Text.IndexOf('LoadFrom') -Because 'it runs before the loader is loaded'
        . ([scriptblock]::Create($check.Extent.Text))

        foreach ($version in '7.4', '7.5', '7.0') {
            { Assert-SupportedPowerShell -Version $version -Edition Core } |
                Should -Throw "*PowerShell 7.6 or later*Windows PowerShell 5.1*this is PowerShell $version*"
        }
        { Assert-SupportedPowerShell -Version 7.6 -Edition Core } | Should -Not -Throw
        { Assert-SupportedPowerShell -Version 8.0 -Edition Core } | Should -Not -Throw
        { Assert-SupportedPowerShell -Version 5.1 -Edition Desktop } | Should -Not -Throw
    }
}

Describe 'Regions' {
    It 'refuses a misspelt region at once, naming it, instead of failing as a retried transport error' {
        # Before the fix the command called CloudFormation in 'eu-wst-1'; that call goes to a refusing loopback port.
        $refusing = New-RefusingLoopbackPort
        $saved = $env:AWS_ENDPOINT_URL_CLOUDFORMATION
        try {
            $env:AWS_ENDPOINT_URL_CLOUDFORMATION = "http://127.0.0.1:$($refusing.LocalEndPoint.Port)"
            $err = { Get-OrderMonitoringStack -Region eu-wst-1 -AccessKey test -SecretKey test -ErrorAction Stop } | Should -Throw -PassThru
        }
        finally {
            Set-EnvironmentValue AWS_ENDPOINT_URL_CLOUDFORMATION $saved
            $refusing.Dispose()
        }
        $err.FullyQualifiedErrorId | Should -BeLike 'AwsConfigurationInvalid,*'
        $err.Exception.Message | Should -BeLike "*'eu-wst-1' (from -Region) is not an AWS region*"
    }

    It 'lets any region name through to -EndpointUrl (an emulator decides)' {
        # moto answers an unknown region with HTTP 500, so a refusing port shows that the request was sent.
        $refusing = New-RefusingLoopbackPort
        try {
            $err = { Get-OrderMonitoringStack -Region eu-wst-1 -EndpointUrl "http://127.0.0.1:$($refusing.LocalEndPoint.Port)" -AccessKey test -SecretKey test -ErrorAction Stop } |
                Should -Throw -PassThru
        }
        finally { $refusing.Dispose() }
        $err.FullyQualifiedErrorId | Should -BeLike 'AwsEndpointUnreachable,*'
    }
}

Describe 'An endpoint that does not answer, for every cmdlet' {
    BeforeAll {
        $script:Refusing = New-RefusingLoopbackPort
        $script:Nowhere = @{ Region = 'us-east-1'; EndpointUrl = "http://127.0.0.1:$($Refusing.LocalEndPoint.Port)"; AccessKey = 'test'; SecretKey = 'test' }
    }
    AfterAll { $Refusing.Dispose() }

    It '<Command> says the endpoint cannot be reached (AwsEndpointUnreachable)' -ForEach @(
        @{ Command = 'Get-OrderMonitoringStack'; Arguments = @{ Environment = 'dev' } }
        @{ Command = 'Get-OrderMonitoringStatus'; Arguments = @{ Environment = 'dev' } }
        @{ Command = 'New-OrderMonitoringStack'; Arguments = @{ Environment = 'dev'; Confirm = $false } }
        @{ Command = 'Remove-OrderMonitoringStack'; Arguments = @{ Environment = 'dev'; Confirm = $false } }
        @{ Command = 'Send-TestOrderEvent'; Arguments = @{ Environment = 'dev'; OrderId = 'ORD-1' } }
        @{ Command = 'Get-OrderAuditLog'; Arguments = @{ Environment = 'dev'; OrderId = 'ORD-1' } }
        @{ Command = 'Invoke-OrderEventProcessor'; Arguments = @{ Environment = 'dev'; FromStream = $true } }
        @{ Command = 'Test-OrderAuditLog'; Arguments = @{ Environment = 'dev' } }
    ) {
        $err = { & $Command @Arguments @Nowhere -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'AwsEndpointUnreachable,*' -Because $err.Exception.Message
        $err.CategoryInfo.Category | Should -Be 'ConnectionError'
        $err.ErrorDetails.RecommendedAction | Should -BeLike '*endpoint is reachable*'
    }
}

Describe 'A plain-HTTP endpoint on another machine' {
    It 'is warned about once per command (and nothing leaves this machine: every request goes to a refusing local proxy)' {
        $refusing = New-RefusingLoopbackPort
        try {
            $proxy = "http://127.0.0.1:$($refusing.LocalEndPoint.Port)"
            $script = "Import-Module '$ManifestPath'; " +
            'try { Get-OrderMonitoringStack -Region us-east-1 -EndpointUrl http://orders.example.com:4566 -AccessKey test -SecretKey test ' +
            '-WarningVariable w -WarningAction SilentlyContinue -ErrorAction Stop } catch { $e = $_.FullyQualifiedErrorId }; ' +
            '[pscustomobject]@{ Warnings = @($w | ForEach-Object Message); Error = $e } | ConvertTo-Json -Compress'
            # .NET reads the lower-case variables first, then the upper-case ones: both are set (and no exceptions).
            $proxies = [hashtable]::new([StringComparer]::Ordinal)
            foreach ($name in 'http_proxy', 'HTTP_PROXY', 'https_proxy', 'HTTPS_PROXY') { $proxies[$name] = $proxy }
            foreach ($name in 'no_proxy', 'NO_PROXY') { $proxies[$name] = $null }
            $run = Invoke-ChildPwsh -ArgumentList '-NoProfile', '-NonInteractive', '-Command', $script -Environment $proxies
        }
        finally { $refusing.Dispose() }
        $run.ExitCode | Should -Be 0 -Because $run.Err
        $result = $run.Out | ConvertFrom-Json
        @($result.Warnings) | Should -HaveCount 1
        $result.Warnings[0] | Should -BeLike "*'http://orders.example.com:4566' is plain HTTP to another machine*https://*"
        $result.Error | Should -BeLike 'AwsEndpointUnreachable,*' -Because 'the refusing proxy answered nothing'
    }

    It 'is not warned about for a loopback emulator' {
        $null = Get-OrderMonitoringStack @Aws -WarningVariable warnings
        $warnings | Should -BeNullOrEmpty
    }
}

Describe 'Order statuses outside the known set' {
    AfterEach { Set-EnvironmentValue ORDERMONITORING_STATUSES $null }

    It 'Get-OrderAuditLog -Status FIALED warns that the status is unknown and still searches' {
        $found = @(Get-OrderAuditLog @Edges -Status FIALED -WarningVariable warnings -WarningAction SilentlyContinue)
        $found | Should -HaveCount 0
        @($warnings) | Should -HaveCount 1
        "$($warnings[0])" | Should -BeLike "*'FIALED' is not an order status the module knows*FAILED*ORDERMONITORING_STATUSES*"
    }

    It 'says nothing for a known status in any case, nor for a status the user declared' {
        $env:ORDERMONITORING_STATUSES = 'ON_HOLD, returned'
        $null = Get-OrderAuditLog @Edges -Status failed -WarningVariable known
        $null = Get-OrderAuditLog @Edges -Status on_hold -WarningVariable declared
        $null = Get-OrderAuditLog @Edges -Status RETURNED -WarningVariable declaredToo
        @($known) + @($declared) + @($declaredToo) | Should -BeNullOrEmpty
    }
}

Describe 'A self-referencing -Attribute' {
    It 'is refused with a clear error and nothing written (the process survives)' {
        # In a process of its own: before the fix this overflowed the stack, which ends a process.
        $script = "Import-Module '$ManifestPath'; " +
        '$a = @{ channel = ''web'' }; $a.self = $a; ' +
        "Send-TestOrderEvent -Environment edges -OrderId ORD-SELF -Attribute `$a -Region us-east-1 -EndpointUrl $($Server.Endpoint) -AccessKey test -SecretKey test " +
        '-ErrorVariable e -ErrorAction SilentlyContinue -WarningAction SilentlyContinue; ' +
        '@($e | ForEach-Object { [pscustomobject]@{ Id = $_.FullyQualifiedErrorId; Message = $_.Exception.Message } }) | ConvertTo-Json -Compress -AsArray'
        $run = Invoke-ChildPwsh -ArgumentList '-NoProfile', '-NonInteractive', '-Command', $script

        $run.ExitCode | Should -Be 0 -Because $run.Err
        $errors = @($run.Out | ConvertFrom-Json)
        $errors | Should -HaveCount 1
        $errors[0].Id | Should -BeLike 'AttributeInvalid,*'
        $errors[0].Message | Should -BeLike '*ORD-SELF*nested more than 32 levels*'
        @(Get-OrderAuditLog @Edges -OrderId ORD-SELF -ErrorAction SilentlyContinue) | Should -HaveCount 0
        Test-OrderAuditLog @Edges -OrderId ORD-SELF -Quiet | Should -BeTrue -Because 'no item was written'
    }
}

Describe 'The -WhatIf plan on an emulator' {
    It 'says that the emulator lists the event source mapping of an External stack, which AWS would leave out' {
        $run = Invoke-CapturedHost { New-OrderMonitoringStack -Environment edgeplan -ProcessorTrigger External @Aws -WhatIf } @{ Aws = $Aws }

        $run.Exception | Should -BeNullOrEmpty
        @($run.Output.LogicalResourceId) | Should -Contain 'LambdaEventSourceMapping'
        @($run.HostLines | Where-Object { $_ -like 'What if:*' }) | Should -Not -BeNullOrEmpty
        @($run.Warnings) | Should -HaveCount 1
        $run.Warnings[0] | Should -BeLike '*not from AWS*ignore template conditions*LambdaEventSourceMapping (condition UseLambdaTrigger)*'
    }
}

Describe 'Help and prompts' {
    It 'about_OrderMonitoring lists every cmdlet of the module' {
        $about = Get-Help about_OrderMonitoring | Out-String
        foreach ($command in Get-Command -Module OrderMonitoring -CommandType Cmdlet) {
            $about | Should -Match "(?m)^\s+$($command.Name)\s{2,}\S" -Because "the cmdlet list names $($command.Name)"
        }
    }

    It 'Invoke-OrderEventProcessor example 2 no longer speaks of the retired failure queue' {
        $code = (Get-Help Invoke-OrderEventProcessor -Examples).Examples.Example[1].Code
        $code | Should -Not -Match 'SentToFailureQueue|failure queue'
        $code | Should -BeLike '*-FailedBatches*'
    }

    It 'Get-OrderAuditLog example 5 runs as written' {
        $code = (Get-Help Get-OrderAuditLog -Examples).Examples.Example[4].Code
        $dev = @{ Environment = 'dev' } + $Aws
        $null = New-OrderMonitoringStack @dev -ProcessorTrigger External
        # What Lambda does in AWS: a processor reads the stream while the example waits for its audit objects.
        $stop = [System.Threading.ManualResetEventSlim]::new($false)
        $trigger = Start-ThreadJob -ScriptBlock {
            Import-Module $using:ManifestPath
            $arguments = $using:dev
            do { $null = Invoke-OrderEventProcessor @arguments -FromStream -NoMetrics -WarningAction SilentlyContinue } until (($using:stop).Wait(500))
        }
        Push-Location $TestDrive
        try {
            # The connection once per session, as about_OrderMonitoring shows it; the example itself names none.
            $PSDefaultParameterValues = @{
                '*-*Order*:Region' = 'us-east-1'; '*-*Order*:EndpointUrl' = $Server.Endpoint; '*-*Order*:AccessKey' = 'test'; '*-*Order*:SecretKey' = 'test' }
            $null = Send-TestOrderEvent -Environment dev -OrderId ORD-1001 -Status PENDING -Wait
            . ([scriptblock]::Create($code))
        }
        finally {
            Pop-Location
            $stop.Set()
            $null = Wait-Job $trigger -Timeout 60
            Remove-Job $trigger -Force
        }
        @(Import-Csv (Join-Path $TestDrive 'audit.csv')) | Should -HaveCount 5
        (Get-Content -Raw (Join-Path $TestDrive 'ORD-1001.json') | ConvertFrom-Json).orderId | Should -Be 'ORD-1001'
    }

    It 'Repair-OrderAuditLog -WhatIf says "Write an INSERT"' {
        $missing = Send-TestOrderEvent @Edges -OrderId ORD-ARTICLE
        $run = Invoke-CapturedHost { Test-OrderAuditLog @Edges -OrderId ORD-ARTICLE | Repair-OrderAuditLog @Aws -WhatIf } @{ Edges = $Edges; Aws = $Aws }

        $run.Exception | Should -BeNullOrEmpty
        @($run.HostLines | Where-Object { $_ -like "*Write an INSERT reconciliation record of item $($missing.Timestamp) (MissingAudit)*" }) |
            Should -HaveCount 1 -Because ($run.HostLines -join "`n")
        @($run.HostLines | Where-Object { $_ -like '*Write a INSERT*' }) | Should -HaveCount 0
    }
}

Describe 'Two -FromStream runs against one stack at once' {
    It 'refuses the second while the first holds the checkpoint, and runs again once the first has ended' {
        # The first run keeps going (-Follow) in a thread job of this process, as a second console would; once it has
        # audited this order it is certainly running.
        $marker = Send-TestOrderEvent @Edges -OrderId ORD-CLAIM
        $first = Start-ThreadJob -ScriptBlock {
            Import-Module $using:ManifestPath
            $arguments = $using:Edges
            Invoke-OrderEventProcessor @arguments -FromStream -Follow -NoMetrics -WarningAction SilentlyContinue
        }
        try {
            for ($i = 0; $i -lt 300 -and $first.State -in 'NotStarted', 'Running'; $i++) {
                if (@(Get-OrderAuditLog @Edges -OrderId $marker.OrderId -ErrorAction SilentlyContinue).Count -gt 0) { break }
                Start-Sleep -Milliseconds 200
            }
            $first.State | Should -Be 'Running' -Because 'the first run follows the stream until it is stopped'
            $refusal = { Invoke-OrderEventProcessor @Edges -FromStream -NoMetrics -WarningAction SilentlyContinue -ErrorAction Stop } | Should -Throw -PassThru
        }
        finally {
            Stop-Job $first
            $null = Wait-Job $first -Timeout 60
            Remove-Job $first -Force
        }

        $refusal.FullyQualifiedErrorId | Should -BeLike 'CheckpointInUse,*'
        $refusal.CategoryInfo.Category | Should -Be 'ResourceUnavailable'
        $refusal.Exception.Message | Should -BeLike '*Another Invoke-OrderEventProcessor -FromStream is processing the stream*did not start*'
        { Invoke-OrderEventProcessor @Edges -FromStream -NoMetrics -WarningAction SilentlyContinue -ErrorAction Stop } | Should -Not -Throw
    }
}

Describe 'Send-TestOrderEvent: statuses, empty cells, existing items, test marks' {
    It 'Send-TestOrderEvent -Status FIALED warns that the status is unknown and writes it as given' {
        $sent = Send-TestOrderEvent @Edges -OrderId ORD-TYPO -Status FIALED -WarningVariable warnings -WarningAction SilentlyContinue

        $sent.Status | Should -Be 'FIALED'
        @($warnings) | Should -HaveCount 1
        "$($warnings[0])" | Should -BeLike "*'FIALED' is not an order status the module knows*written as given*"
    }

    It 'an empty Status cell names its row, and the closing count is right (4 of 8)' {
        $csv = Join-Path $TestDrive 'orders.csv'
        @('OrderId,Status,Amount') + (1..8 | ForEach-Object { "ORD-CSV-$_,$(if ($_ % 2) { 'PENDING' }),1.50" }) | Set-Content $csv
        $sent = @(Import-Csv $csv | Send-TestOrderEvent @Edges -ErrorVariable rowErrors -ErrorAction SilentlyContinue -WarningVariable warnings -WarningAction SilentlyContinue)

        $sent.OrderId | Should -Be @('ORD-CSV-1', 'ORD-CSV-3', 'ORD-CSV-5', 'ORD-CSV-7')
        @($rowErrors) | Should -HaveCount 4
        foreach ($error in $rowErrors) { $error.FullyQualifiedErrorId | Should -BeLike 'StatusMissing,*' }
        $rowErrors[0].Exception.Message | Should -BeLike "Input object 2 (order 'ORD-CSV-2') has no Status*"
        @($warnings | ForEach-Object Message) | Should -Contain '4 of 8 input object(s) were not written (see the errors above); the others were.'
    }

    It 'never overwrites an existing item unless -Force is given, and marks every test item' {
        $first = Send-TestOrderEvent @Edges -OrderId ORD-KEEP -Timestamp 1767225600000 -Status PENDING -Amount 10
        $again = @(Send-TestOrderEvent @Edges -OrderId ORD-KEEP -Timestamp 1767225600000 -Status CANCELLED -ErrorVariable refused -ErrorAction SilentlyContinue -WarningAction SilentlyContinue)

        $again | Should -HaveCount 0
        @($refused) | Should -HaveCount 1
        $refused[0].FullyQualifiedErrorId | Should -BeLike 'OrderExists,*'
        $refused[0].Exception.Message | Should -BeLike "*'ORD-KEEP' (timestamp 1767225600000)*Nothing was overwritten*"
        $null = Invoke-OrderEventProcessor @Edges -FromStream -NoMetrics -WarningAction SilentlyContinue
        $history = @(Get-OrderAuditLog @Edges -OrderId ORD-KEEP)
        $history | Should -HaveCount 1 -Because 'the refused event reached neither the table nor the stream'
        $history[0].Status | Should -Be 'PENDING'
        $history[0].NewImage.testEvent | Should -BeTrue -Because 'the audit record keeps the test mark'

        $forced = Send-TestOrderEvent @Edges -OrderId ORD-KEEP -Timestamp $first.Timestamp -Status CANCELLED -Force
        $forced.Status | Should -Be 'CANCELLED'
        $null = Invoke-OrderEventProcessor @Edges -FromStream -NoMetrics -WarningAction SilentlyContinue
        (Get-OrderAuditLog @Edges -OrderId ORD-KEEP | Select-Object -Last 1).EventType | Should -Be 'MODIFY'
    }
}

Describe 'Ctrl+C' {
    It 'Send-TestOrderEvent -Count streams its results, keeps them in -OutVariable when stopped, and says where it stopped' {
        if (-not ('OrderMonitoringTests.ScriptedHost' -as [type])) { Add-Type -Path (Join-Path $PSScriptRoot 'TestSupport/ScriptedHost.cs') }
        $ui = [OrderMonitoringTests.ScriptedHostUI]::new()
        $runspace = [runspacefactory]::CreateRunspace([OrderMonitoringTests.ScriptedHost]::new($ui))
        $runspace.Open()
        $shell = [powershell]::Create()
        $shell.Runspace = $runspace
        $output = [System.Management.Automation.PSDataCollection[psobject]]::new()
        try {
            $null = $shell.AddScript('param($Manifest, $Edges) Import-Module $Manifest; Send-TestOrderEvent @Edges -Count 200000 -OutVariable sent').
                AddArgument($ManifestPath).AddArgument($Edges)
            $running = $shell.BeginInvoke([System.Management.Automation.PSDataCollection[psobject]]::new(), $output)
            # Ctrl+C once results have started to arrive (bounded: a run that never streams fails below).
            for ($i = 0; $i -lt 600 -and $output.Count -eq 0 -and -not $running.IsCompleted; $i++) { Start-Sleep -Milliseconds 200 }
            $shell.Stop()
            $sent = @($runspace.SessionStateProxy.GetVariable('sent'))
        }
        finally {
            $shell.Dispose()
            $runspace.Dispose()
        }

        $output.Count | Should -BeGreaterThan 0 -Because 'results stream out while the rest is written'
        $sent.Count | Should -Be $output.Count -Because '-OutVariable keeps what was output before the stop'
        $summary = @($ui.Lines | Where-Object { $_ -like 'WARNING: Stopped:*' })
        $summary | Should -HaveCount 1 -Because ($ui.Lines -join "`n")
        $summary[0] -match '^WARNING: Stopped: (\d+) of 200000 order event\(s\) were written to order-events-edges; the other \d+ were not\. The last written: order ''ORD-' |
            Should -BeTrue -Because $summary[0]
        [int]$Matches[1] | Should -BeGreaterOrEqual $output.Count
    }

    It 'Invoke-OrderEventProcessor -FromStream -Follow says what it processed and where each shard is checkpointed' {
        $orders = @(Send-TestOrderEvent @Edges -Count 3 -FailedPercent 0)
        $ui = [OrderMonitoringTests.ScriptedHostUI]::new()
        $runspace = [runspacefactory]::CreateRunspace([OrderMonitoringTests.ScriptedHost]::new($ui))
        $runspace.Open()
        $shell = [powershell]::Create()
        $shell.Runspace = $runspace
        try {
            $null = $shell.AddScript('param($Manifest, $Edges) Import-Module $Manifest; Invoke-OrderEventProcessor @Edges -FromStream -Follow -NoMetrics -WarningAction SilentlyContinue').
                AddArgument($ManifestPath).AddArgument($Edges)
            $running = $shell.BeginInvoke()
            # Ctrl+C once the three orders are audited (bounded).
            for ($i = 0; $i -lt 300 -and -not $running.IsCompleted; $i++) {
                if (@(Get-OrderAuditLog @Edges -OrderId $orders.OrderId -ErrorAction SilentlyContinue).Count -ge 3) { break }
                Start-Sleep -Milliseconds 200
            }
            $shell.Stop()
        }
        finally {
            $shell.Dispose()
            $runspace.Dispose()
        }

        $summary = @($ui.Lines | Where-Object { $_ -like 'WARNING: Stopped:*' })
        $summary | Should -HaveCount 1 -Because ($ui.Lines -join "`n")
        $summary[0] | Should -Match '^WARNING: Stopped: \d+ record\(s\) processed \(\d+ audited, .*The checkpoints are saved up to the last batch done \(shardId-[^:]+: (after sequence number \d+|finished|not started)'
        $summary[0] | Should -BeLike '*run Invoke-OrderEventProcessor -FromStream again to continue from there.'
    }
}

Describe 'Results and warnings of long runs' {
    BeforeAll {
        # A Lambda event file with one INSERT of an order, as the processor reads it with -Path.
        function New-EventFile([string] $Name, [string] $OrderId, [long] $Timestamp, [string] $Status, [string] $Sequence) {
            $file = Join-Path $TestDrive $Name
            @{ Records = @(@{
                        eventID = "ev-$Sequence"; eventName = 'INSERT'; eventVersion = '1.1'; eventSource = 'aws:dynamodb'; awsRegion = 'us-east-1'
                        dynamodb = @{
                            ApproximateCreationDateTime = 1767225600; SequenceNumber = $Sequence; SizeBytes = 60; StreamViewType = 'NEW_AND_OLD_IMAGES'
                            Keys = @{ orderId = @{ S = $OrderId }; timestamp = @{ N = "$Timestamp" } }
                            NewImage = @{ orderId = @{ S = $OrderId }; timestamp = @{ N = "$Timestamp" }; status = @{ S = $Status } }
                        }
                    }) } | ConvertTo-Json -Depth 10 | Set-Content $file
            $file
        }
    }

    It 'a key that cannot sign warns once per run, and the end of the run counts the unsigned digests' {
        # moto's CloudFormation makes the stack's signing key symmetric: every batch's digest is written unsigned.
        $files = 1..3 | ForEach-Object { New-EventFile "unsigned-$_.json" "ORD-UNSIGNED-$_" 1767225600000 'PENDING' "95000000000000000000$_" }

        $results = @(Invoke-OrderEventProcessor @Edges -Path $files -NoMetrics -WarningVariable warnings -WarningAction SilentlyContinue)

        $results | Should -HaveCount 3
        $messages = @($warnings | ForEach-Object Message)
        @($messages | Where-Object { $_ -like 'Digest written unsigned*' }) | Should -HaveCount 1 -Because ($messages -join "`n")
        $messages[0] | Should -BeLike '*reason=signing with arn:aws:kms:*SIGN_VERIFY*counted in one warning at the end*'
        @($messages | Where-Object { $_ -like '3 digest(s) of this run: Digest written unsigned*Reason: signing with arn:aws:kms:*' }) | Should -HaveCount 1
        $messages | Should -HaveCount 2
    }

    It 'Send-TestOrderEvent -Wait outputs each event as soon as it is audited, not all at the end' {
        $now = [DateTimeOffset]::UtcNow.ToUnixTimeMilliseconds()
        $rows = @(
            [pscustomobject]@{ OrderId = 'ORD-STREAM-1'; Timestamp = $now; Status = 'PENDING' }
            [pscustomobject]@{ OrderId = 'ORD-STREAM-2'; Timestamp = $now; Status = 'PENDING' }
        )
        $output = [System.Management.Automation.PSDataCollection[psobject]]::new()
        $shell = [powershell]::Create()
        try {
            $null = $shell.AddScript('param($Manifest, $Edges, $Rows) Import-Module $Manifest; $Rows | Send-TestOrderEvent @Edges -Wait -TimeoutSeconds 120').
                AddArgument($ManifestPath).AddArgument($Edges).AddArgument($rows)
            $running = $shell.BeginInvoke([System.Management.Automation.PSDataCollection[psobject]]::new(), $output)
            # The processor (run here from an event file: the stack has no trigger) audits the first order only.
            $first = Invoke-OrderEventProcessor @Edges -Path (New-EventFile 'stream-1.json' 'ORD-STREAM-1' $now 'PENDING' '960000000000000000001') -NoMetrics -WarningVariable processorWarnings -WarningAction SilentlyContinue
            Assert-OnlyUnsignedDigestWarning $processorWarnings
            $first.Audited | Should -Be 1
            for ($i = 0; $i -lt 100 -and $output.Count -eq 0 -and -not $running.IsCompleted; $i++) { Start-Sleep -Milliseconds 200 }
            # By index: enumerating a PSDataCollection that is still open waits until it is closed.
            $firstOut = @(for ($k = 0; $k -lt $output.Count; $k++) { $output[$k] })
            $stillWaiting = -not $running.IsCompleted

            $null = Invoke-OrderEventProcessor @Edges -Path (New-EventFile 'stream-2.json' 'ORD-STREAM-2' $now 'PENDING' '960000000000000000002') -NoMetrics -WarningVariable processorWarnings -WarningAction SilentlyContinue
            Assert-OnlyUnsignedDigestWarning $processorWarnings
            $null = $shell.EndInvoke($running)
            $hadErrors = $shell.HadErrors
        }
        finally { $shell.Dispose() }

        $firstOut | Should -HaveCount 1 -Because 'the audited order is output while the other is still awaited'
        $firstOut[0].OrderId | Should -Be 'ORD-STREAM-1'
        $firstOut[0].AuditKey | Should -Not -BeNullOrEmpty
        $stillWaiting | Should -BeTrue
        @($output | ForEach-Object OrderId) | Should -Be @('ORD-STREAM-1', 'ORD-STREAM-2')
        $hadErrors | Should -BeFalse
    }
}

Describe 'AWS errors name the operation and the resource' {
    It 'Get-OrderAuditLog on a stack whose audit bucket is gone names S3 ListObjectsV2 and the bucket' {
        $gone = @{ Environment = 'opnames' } + $Aws
        $null = New-OrderMonitoringStack @gone -ProcessorTrigger External
        $bucket = Get-StackResourceId -Factory $Factory -StackName 'order-monitoring-opnames' -LogicalId AuditLogsBucket
        $null = $Factory.CreateS3().DeleteBucketAsync($bucket).GetAwaiter().GetResult()

        $null = Get-OrderAuditLog @gone -OrderId ORD-1 -ErrorVariable failures -ErrorAction SilentlyContinue

        $failures | Should -HaveCount 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'AwsService.NoSuchBucket,*'
        $failures[0].ErrorDetails.Message | Should -BeLike "S3 ListObjectsV2 on s3://$bucket/orders/ORD-1/ failed: NoSuchBucket: *"
    }
}
