# Runs commands in a runspace of their own whose host keeps every line it is handed instead of printing it: the
# "What if:" lines of -WhatIf (PowerShell writes them to the host, past every redirection) and anything else a host
# would show. A passing test run stays quiet, and a test can assert on those lines.
Set-StrictMode -Version 3.0

function Invoke-CapturedHost {
    <#
    .SYNOPSIS
        Runs ScriptBlock (with Variables set) in a fresh runspace with the staged module imported; returns Output,
        HostLines, Errors and Warnings, and Exception when it ended with a terminating error.
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)] [scriptblock] $ScriptBlock, [hashtable] $Variables = @{})
    if (-not ('OrderMonitoringTests.ScriptedHost' -as [type])) {
        Add-Type -Path (Join-Path $PSScriptRoot 'ScriptedHost.cs')
    }
    $ui = [OrderMonitoringTests.ScriptedHostUI]::new()
    $runspace = [runspacefactory]::CreateRunspace([OrderMonitoringTests.ScriptedHost]::new($ui))
    $runspace.Open()
    $shell = [powershell]::Create()
    $shell.Runspace = $runspace
    try {
        # GetEnumerator: $Variables.Keys would read an entry named Keys instead of the names.
        foreach ($pair in $Variables.GetEnumerator()) { $runspace.SessionStateProxy.SetVariable($pair.Key, $pair.Value) }
        $null = $shell.AddScript('Import-Module $env:ORDERMONITORING_MODULE').AddStatement().AddScript($ScriptBlock.ToString())
        $failure = $null
        $output = try { $shell.Invoke() } catch { $failure = $_.Exception.InnerException ?? $_.Exception }
        [pscustomobject]@{
            Output    = @($output | Where-Object { $null -ne $_ })
            HostLines = @($ui.Lines)
            Errors    = @($shell.Streams.Error)
            Warnings  = @($shell.Streams.Warning | ForEach-Object Message)
            Exception = $failure
        }
    }
    finally {
        $shell.Dispose()
        $runspace.Dispose()
    }
}

Export-ModuleMember -Function Invoke-CapturedHost
