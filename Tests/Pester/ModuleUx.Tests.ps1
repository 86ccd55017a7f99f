# The module as PowerShell users expect it: default views for every output type, tab completion, help for everything.
BeforeAll {
    $script:ManifestPath = $env:ORDERMONITORING_MODULE
    if (-not $script:ManifestPath) { throw 'Run through build.ps1 test (ORDERMONITORING_MODULE names the staged manifest).' }
    Import-Module (Join-Path $PSScriptRoot 'TestSupport/MotoServer.psm1') -Force
    $script:Module = Import-Module $ManifestPath -Force -PassThru
    $script:Commands = @(Get-Command -Module $Module.Name -CommandType Cmdlet)
    # Every check below loops over the exported cmdlets: with none, each would pass without checking anything.
    if ($script:Commands.Count -eq 0) { throw "The module '$ManifestPath' exports no cmdlets." }
}

Describe 'Exported cmdlets' {
    It 'exports exactly the cmdlets the manifest lists, so every check below runs over all of them' {
        $listed = @((Import-PowerShellDataFile $ManifestPath).CmdletsToExport)
        $listed.Count | Should -BeGreaterThan 0
        @($Commands.Name | Sort-Object) | Should -Be @($listed | Sort-Object)
    }
}

Describe 'Default views' {
    It 'has a table view for every type a cmdlet declares with [OutputType]' {
        $declared = @($Commands | ForEach-Object { $_.OutputType.Name } | Where-Object { $_ -like 'OrderMonitoring.*' } | Sort-Object -Unique)
        $declared | Should -Not -BeNullOrEmpty
        foreach ($type in $declared) {
            $format = Get-FormatData -TypeName $type
            $format | Should -Not -BeNullOrEmpty -Because "$type needs a default view in OrderMonitoring.Format.ps1xml"
            @($format.FormatViewDefinition.Control | Where-Object { $_ -is [System.Management.Automation.TableControl] }) |
                Should -Not -BeNullOrEmpty -Because "$type needs a table view"
        }
    }

    It 'names a processed stream by its table, not by a truncated ARN' {
        $result = [OrderMonitoring.OrderProcessorResult]@{
            Source = 'arn:aws:dynamodb:us-east-1:123456789012:table/order-events-dev/stream/2026-01-01T00:00:00.000'; Records = 3; Audited = 3
        }
        $table = $result | Format-Table | Out-String -Width 200
        $table | Should -Match 'order-events-dev \(stream\)'
        $table | Should -Not -Match 'arn:aws'
    }

    It 'declares an output type on every cmdlet' {
        foreach ($command in $Commands) {
            @($command.OutputType) | Should -Not -BeNullOrEmpty -Because "$($command.Name) needs [OutputType]"
        }
    }
}

Describe 'Help' {
    It 'documents every cmdlet and every parameter' {
        $common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
        foreach ($command in $Commands) {
            $help = Get-Help $command.Name -Full
            "$($help.Synopsis)".Trim() | Should -Not -BeLike "$($command.Name)*" -Because "$($command.Name) needs a synopsis"
            "$($help.Description.Text)" | Should -Not -BeNullOrEmpty -Because "$($command.Name) needs a description"
            @($help.Examples.Example).Count | Should -BeGreaterOrEqual 2 -Because "$($command.Name) needs two examples"
            foreach ($parameter in $command.Parameters.Keys | Where-Object { $_ -notin $common }) {
                $described = @($help.Parameters.Parameter | Where-Object Name -EQ $parameter)
                "$($described.Description.Text)" | Should -Not -BeNullOrEmpty -Because "-$parameter of $($command.Name) needs a description"
            }
        }
    }

    It 'agrees with its markdown source in docs/commands (synopsis, description, parameters, examples)' {
        Import-Module (Join-Path $PSScriptRoot '../../build/HelpMarkdown.psm1') -Force
        # Get-Help may merge paragraphs; compare the words, which is what a reader sees.
        function Words($Paragraphs) { (@($Paragraphs) -join ' ') -replace '\s+', ' ' | ForEach-Object Trim }
        $docs = Join-Path $PSScriptRoot '../../docs/commands'
        foreach ($command in $Commands) {
            $file = Join-Path $docs "$($command.Name).md"
            $file | Should -Exist -Because "the help source of $($command.Name) is markdown in docs/commands"
            $doc = Read-CommandMarkdown -Path $file
            $help = Get-Help $command.Name -Full
            "$($help.Synopsis)".Trim() | Should -Be $doc.Synopsis
            Words ($help.Description | ForEach-Object Text) | Should -Be (Words $doc.Description)
            @($help.Examples.Example).Count | Should -Be $doc.Examples.Count
            for ($i = 0; $i -lt $doc.Examples.Count; $i++) {
                $help.Examples.Example[$i].Code | Should -Be $doc.Examples[$i].Code
            }
            # -WhatIf and -Confirm carry PowerShell's standard text unless a page describes them.
            foreach ($parameter in $help.Parameters.Parameter | Where-Object { $doc.Parameters.Contains($_.Name) }) {
                Words ($parameter.Description | ForEach-Object Text) | Should -Be (Words $doc.Parameters[$parameter.Name]) -Because "-$($parameter.Name) of $($command.Name)"
            }
        }
    }

    It 'shows -WhatIf and -Confirm and the real default values' {
        $help = Get-Help New-OrderMonitoringStack -Full
        @($help.Parameters.Parameter.Name) | Should -Contain 'WhatIf'
        @($help.Parameters.Parameter.Name) | Should -Contain 'Confirm'
        ($help.Parameters.Parameter | Where-Object Name -EQ 'TimeoutSeconds').DefaultValue | Should -Be '1800'
        # Not given, -ProcessorTrigger keeps an existing stack's trigger (Lambda only for a new stack): no fixed default.
        $trigger = $help.Parameters.Parameter | Where-Object Name -EQ 'ProcessorTrigger'
        $trigger.DefaultValue | Should -Be 'None'
        ($trigger.Description | Out-String) | Should -BeLike "*keeps the*current trigger*"
        ($help.Parameters.Parameter | Where-Object Name -EQ 'Region').DefaultValue | Should -Be 'None'
        (Get-Help New-OrderMonitoringStack).Syntax | Out-String | Should -Match '-WhatIf'
    }

    It 'marks exactly the parameters that take wildcards as globbing' {
        $globbing = foreach ($command in $Commands) {
            foreach ($parameter in (Get-Help $command.Name -Full).Parameters.Parameter) {
                if ($parameter.globbing -eq 'true') { "$($command.Name) -$($parameter.Name)" }
            }
        }
        @($globbing) | Should -Be @('Get-OrderMonitoringStack -Environment')
    }

    It 'shows real type names in the syntax and the parameter list, never a generic placeholder such as Nullable`1' {
        foreach ($command in $Commands) {
            $help = Get-Help $command.Name -Full
            $help.Syntax | Out-String -Width 500 | Should -Not -Match '`1|Nullable' -Because "the syntax of $($command.Name)"
            foreach ($parameter in $help.Parameters.Parameter) {
                "$($parameter.parameterValue) $($parameter.type.name)" | Should -Not -Match '`1|Nullable' -Because "-$($parameter.Name) of $($command.Name)"
            }
        }
        $since = (Get-Help Get-OrderMonitoringStatus -Full).Parameters.Parameter | Where-Object Name -EQ 'Since'
        ($since.parameterValue, $since.type.name) | Should -Be @('DateTime', 'System.DateTime')
    }

    It 'lists only cmdlets of the module and about topics under RELATED LINKS, with no file paths' {
        $names = @($Commands.Name) + @(Get-Help about_* | Where-Object Name -Like 'about_OrderMonitoring*' | ForEach-Object Name)
        $names | Should -Contain 'about_OrderMonitoring'
        foreach ($command in $Commands) {
            $links = @((Get-Help $command.Name -Full).relatedLinks.navigationLink)
            $links | Should -Not -BeNullOrEmpty -Because "$($command.Name) should point somewhere"
            foreach ($link in $links) {
                $link.linkText | Should -BeIn $names -Because "a related link of $($command.Name)"
                "$($link.uri)" | Should -Not -Match '\.md$' -Because "Get-Help cannot open a markdown path ($($command.Name))"
            }
        }
    }

    It 'says in the about topic what a processor outside Lambda publishes, and how to turn it off' {
        $about = Get-Help about_OrderMonitoring | Out-String -Width 500
        foreach ($word in 'PutMetricData', '-NoMetrics', 'namespace OrderMonitoring', 'Environment=<environment>',
            'RecordsProcessed', 'AuditObjectsWritten', 'AlertsPublished', 'RecordsQuarantined', 'RecordsFailed', 'ProcessingLagMs') {
            $about | Should -BeLike "*$word*"
        }
    }

    It 'has the about topic' {
        Get-Help about_OrderMonitoring | Out-String | Should -Match 'Connection settings|CONNECTION SETTINGS'
    }
}

Describe 'Tab completion of -Status' {
    It 'offers the known statuses that start with what is typed, on both cmdlets that take a status' {
        foreach ($line in 'Send-TestOrderEvent -Environment dev -Status F', "Get-OrderAuditLog -Environment dev -Status 'f") {
            $result = TabExpansion2 -inputScript $line -cursorColumn $line.Length
            @($result.CompletionMatches.CompletionText) | Should -Be @('FAILED')
        }
        $line = 'Send-TestOrderEvent -Environment dev -Status '
        $all = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText
        @($all) | Should -Be @('PENDING', 'PROCESSING', 'SHIPPED', 'DELIVERED', 'CANCELLED', 'FAILED')
    }
}

Describe 'Tab completion of -Environment' {
    BeforeAll {
        $script:Server = Start-MotoServer
        $script:Saved = Use-MotoEnvironment $Server
        $null = New-OrderMonitoringStack -Environment complete1 -ProcessorTrigger External -EndpointUrl $Server.Endpoint -Region us-east-1
    }

    AfterAll {
        if ($script:Saved) { Restore-Environment $Saved }
        if ($script:Server) { Stop-MotoServer $Server }
    }

    It 'offers the environments of the stacks in the region the command line names' {
        $line = "Get-OrderMonitoringStack -Region us-east-1 -EndpointUrl $($Server.Endpoint) -Environment comp"
        $result = TabExpansion2 -inputScript $line -cursorColumn $line.Length
        @($result.CompletionMatches.CompletionText) | Should -Be @('complete1')
        $result.CompletionMatches[0].ToolTip | Should -BeLike 'order-monitoring-complete1 (*COMPLETE*)'
    }

    It 'uses the connection in $PSDefaultParameterValues, as the cmdlets do' {
        $saved = $global:PSDefaultParameterValues.Clone()
        # Only the defaults may name the region and endpoint here, not the environment variables.
        $savedEnvironment = @{ AWS_REGION = $env:AWS_REGION; AWS_DEFAULT_REGION = $env:AWS_DEFAULT_REGION; AWS_ENDPOINT_URL = $env:AWS_ENDPOINT_URL }
        try {
            foreach ($name in $savedEnvironment.Keys) { Set-EnvironmentValue -Name $name -Value $null }
            $global:PSDefaultParameterValues['*-OrderMonitoring*:Region'] = 'us-east-1'
            $global:PSDefaultParameterValues['*-OrderMonitoring*:EndpointUrl'] = $Server.Endpoint
            $line = 'Get-OrderMonitoringStatus -Environment comp'
            $result = TabExpansion2 -inputScript $line -cursorColumn $line.Length
            @($result.CompletionMatches.CompletionText) | Should -Be @('complete1')
        }
        finally {
            $global:PSDefaultParameterValues = $saved
            foreach ($name in $savedEnvironment.Keys) { Set-EnvironmentValue -Name $name -Value $savedEnvironment[$name] }
        }
    }

    It 'offers nothing, quietly, when the endpoint does not answer' {
        $refusing = New-RefusingLoopbackPort
        try {
            $line = "New-OrderMonitoringStack -Region us-east-1 -EndpointUrl http://127.0.0.1:$($refusing.LocalEndPoint.Port) -Environment "
            $result = TabExpansion2 -inputScript $line -cursorColumn $line.Length
        }
        finally { $refusing.Dispose() }
        @($result.CompletionMatches | Where-Object ResultType -EQ 'ParameterValue') | Should -BeNullOrEmpty
    }
}
