# A moto server on 127.0.0.1 for Pester suites: started on a free port, stopped by its process id.
Set-StrictMode -Version 3.0

function Get-FreeLoopbackPort {
    [OutputType([int])]
    param()
    $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $listener.Start()
    try { return ([System.Net.IPEndPoint]$listener.LocalEndpoint).Port }
    finally { $listener.Stop() }
}

function Start-MotoServer {
    <#
    .SYNOPSIS
        Starts moto_server on 127.0.0.1 and a free port and waits until it answers.
    .OUTPUTS
        An object with ProcessId, Port and Endpoint. Pass it to Stop-MotoServer.
    #>
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    param([int] $TimeoutSeconds = 60)

    $port = Get-FreeLoopbackPort
    $arguments = @('-H', '127.0.0.1', '-p', "$port")
    $script = Get-Command moto_server -CommandType Application -ErrorAction Ignore | Select-Object -First 1
    if ($script) {
        $file = $script.Source
    }
    else {
        $file = (Get-Command python3, python -CommandType Application -ErrorAction Stop | Select-Object -First 1).Source
        $arguments = @('-m', 'moto.server') + $arguments
    }

    # Output goes to files so a chatty server never blocks on a full pipe.
    $logBase = Join-Path ([System.IO.Path]::GetTempPath()) "moto-$port"
    $process = Start-Process -FilePath $file -ArgumentList $arguments -PassThru -NoNewWindow `
        -RedirectStandardOutput "$logBase.out" -RedirectStandardError "$logBase.err"
    $server = [pscustomobject]@{
        ProcessId = $process.Id
        Port      = $port
        Endpoint  = "http://127.0.0.1:$port"
        LogFiles  = @("$logBase.out", "$logBase.err")
    }

    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
    while ([DateTime]::UtcNow -lt $deadline) {
        if ($process.HasExited) {
            Stop-MotoServer $server
            throw "moto_server exited with code $($process.ExitCode) before it answered on $($server.Endpoint)."
        }
        try {
            $null = Invoke-WebRequest -Uri "$($server.Endpoint)/moto-api/data.json" -TimeoutSec 2 -UseBasicParsing
            return $server
        }
        catch {
            Start-Sleep -Milliseconds 100
        }
    }
    Stop-MotoServer $server
    throw "moto_server did not answer on $($server.Endpoint) within $TimeoutSeconds s."
}

function Stop-MotoServer {
    <# Stops the server by its process id and removes its log files. Safe to call twice. #>
    [CmdletBinding()]
    param([Parameter(Mandatory, Position = 0)] [pscustomobject] $Server)

    $process = Get-Process -Id $Server.ProcessId -ErrorAction Ignore
    if ($process) {
        $process.Kill($true)
        $null = $process.WaitForExit(10000)
    }
    Remove-Item $Server.LogFiles -Force -ErrorAction Ignore
}

function Test-ProcessRunning {
    [OutputType([bool])]
    param([int] $ProcessId)
    $process = Get-Process -Id $ProcessId -ErrorAction Ignore
    return [bool]($process -and -not $process.HasExited)
}

function Use-MotoEnvironment {
    <# Points the AWS SDK at the server with dummy credentials; returns what it replaced, for Restore-Environment. #>
    [CmdletBinding()]
    param([Parameter(Mandatory)] [pscustomobject] $Server)
    $values = @{
        AWS_ACCESS_KEY_ID     = 'test'
        AWS_SECRET_ACCESS_KEY = 'test'
        AWS_SESSION_TOKEN     = $null
        AWS_REGION            = 'us-east-1'
        AWS_DEFAULT_REGION    = 'us-east-1'
        AWS_ENDPOINT_URL      = $Server.Endpoint
        AWS_PROFILE           = $null
    }
    $saved = @{}
    foreach ($name in $values.Keys) {
        $saved[$name] = [Environment]::GetEnvironmentVariable($name)
        Set-EnvironmentValue $name $values[$name]
    }
    return $saved
}

function Restore-Environment {
    [CmdletBinding()]
    param([Parameter(Mandatory)] [hashtable] $Saved)
    foreach ($name in $Saved.Keys) { Set-EnvironmentValue $name $Saved[$name] }
}

function Set-EnvironmentValue([string] $Name, $Value) {
    # PowerShell turns $null into '' when it calls SetEnvironmentVariable(string, string); an empty AWS_PROFILE left
    # behind makes every later moto (which inherits it) fail with ProfileNotFound. Null removes the variable.
    if ($null -eq $Value) { Remove-Item "env:$Name" -ErrorAction Ignore }
    else { Set-Item "env:$Name" $Value }
}

Export-ModuleMember -Function Start-MotoServer, Stop-MotoServer, Test-ProcessRunning, Use-MotoEnvironment, Restore-Environment
