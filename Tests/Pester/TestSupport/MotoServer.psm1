# A moto server on 127.0.0.1 for Pester suites, stopped by its process id. It starts on port 0 and reports the port
# the system gave it, so no other listener can take that port between a probe and moto binding it.
Set-StrictMode -Version 3.0

function Set-EnvironmentValue([string] $Name, $Value) {
    # Sets a variable, or removes it for $null or "". ([Environment]::SetEnvironmentVariable would receive $null as ""
    # from PowerShell and leave the variable set but empty, which tools such as botocore then trip over.)
    if ([string]::IsNullOrEmpty($Value)) { Remove-Item -Path "Env:$Name" -ErrorAction Ignore }
    else { Set-Item -Path "Env:$Name" -Value $Value }
}

function New-RefusingLoopbackPort {
    <#
    .SYNOPSIS
        A socket bound to a free 127.0.0.1 port but not listening: connections to it are refused, and while the
        socket is open no other listener can take the port. Dispose it when the test ends.
    #>
    [OutputType([System.Net.Sockets.Socket])]
    param()
    $socket = [System.Net.Sockets.Socket]::new([System.Net.Sockets.AddressFamily]::InterNetwork,
        [System.Net.Sockets.SocketType]::Stream, [System.Net.Sockets.ProtocolType]::Tcp)
    $socket.Bind([System.Net.IPEndPoint]::new([System.Net.IPAddress]::Loopback, 0))
    return $socket
}

function Start-MotoServer {
    <#
    .SYNOPSIS
        Starts moto_server on 127.0.0.1 on a port the system chooses and waits until it answers.
    .OUTPUTS
        An object with ProcessId, Port and Endpoint. Pass it to Stop-MotoServer.
    #>
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    param([int] $TimeoutSeconds = 60)

    $arguments = @('-H', '127.0.0.1', '-p', '0')
    $script = Get-Command moto_server -CommandType Application -ErrorAction Ignore | Select-Object -First 1
    if ($script) {
        $file = $script.Source
    }
    else {
        $file = (Get-Command python3, python -CommandType Application -ErrorAction Stop | Select-Object -First 1).Source
        $arguments = @('-m', 'moto.server') + $arguments
    }

    # Output goes to files so a chatty server never blocks on a full pipe; Werkzeug names its port there.
    $logBase = Join-Path ([System.IO.Path]::GetTempPath()) "moto-$([guid]::NewGuid().ToString('n'))"
    # moto's own botocore reads the AWS profile variables it inherits; a profile that does not exist on this machine
    # would make every CloudFormation call fail inside moto. It needs none: start it without them.
    $profiles = @{}
    foreach ($name in 'AWS_PROFILE', 'AWS_DEFAULT_PROFILE') {
        $profiles[$name] = [Environment]::GetEnvironmentVariable($name)
        Set-EnvironmentValue $name $null
    }
    try {
        $process = Start-Process -FilePath $file -ArgumentList $arguments -PassThru -NoNewWindow `
            -RedirectStandardOutput "$logBase.out" -RedirectStandardError "$logBase.err"
    }
    finally {
        foreach ($name in $profiles.Keys) { Set-EnvironmentValue $name $profiles[$name] }
    }
    $server = [pscustomobject]@{
        ProcessId = $process.Id
        Port      = 0
        Endpoint  = $null
        LogFiles  = @("$logBase.out", "$logBase.err")
    }

    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
    while ([DateTime]::UtcNow -lt $deadline) {
        if ($process.HasExited) {
            $reason = Get-Content -Raw -LiteralPath "$logBase.err" -ErrorAction Ignore
            Stop-MotoServer $server
            throw "moto_server exited with code $($process.ExitCode) before it answered. $reason"
        }
        if (-not $server.Endpoint) {
            $running = Select-String -LiteralPath $server.LogFiles -Pattern 'Running on http://127\.0\.0\.1:(\d+)' -ErrorAction Ignore |
                Select-Object -First 1
            if ($running) {
                $server.Port = [int]$running.Matches[0].Groups[1].Value
                $server.Endpoint = "http://127.0.0.1:$($server.Port)"
            }
        }
        if ($server.Endpoint) {
            try {
                $null = Invoke-WebRequest -Uri "$($server.Endpoint)/moto-api/data.json" -TimeoutSec 2 -UseBasicParsing
                return $server
            }
            catch {
                Write-Verbose "moto_server is not answering yet: $_"
            }
        }
        Start-Sleep -Milliseconds 100
    }
    Stop-MotoServer $server
    throw "moto_server did not answer within $TimeoutSeconds s (endpoint: $(if ($server.Endpoint) { $server.Endpoint } else { 'not reported' }))."
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

Export-ModuleMember -Function New-RefusingLoopbackPort, Start-MotoServer, Stop-MotoServer, Test-ProcessRunning, Use-MotoEnvironment, Restore-Environment, Set-EnvironmentValue
