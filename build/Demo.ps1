<#
.SYNOPSIS
    The whole order-monitoring flow on a local moto server, in about a minute, with the module's public cmdlets only.

.DESCRIPTION
    build.ps1 demo runs this in a fresh pwsh after staging the module. Apart from starting and stopping moto, every
    step is a command you can type yourself (each is printed before it runs):
      1. starts moto on 127.0.0.1 (nothing leaves this machine; dummy credentials),
      2. deploys the stack with New-OrderMonitoringStack -ProcessorTrigger External
         (the processor runs here instead of in Lambda, which moto cannot run),
      3. sends a few dozen orders (some FAILED) and updates three of them to FAILED,
      4. runs the processor over the table's stream with Invoke-OrderEventProcessor -FromStream,
      5. shows one order's audit history, the FAILED orders and the health check,
      6. stops moto.
    To repeat it by hand: start moto yourself (moto_server -H 127.0.0.1 -p 5000), set AWS_ACCESS_KEY_ID and
    AWS_SECRET_ACCESS_KEY to 'test', and type the printed commands with -EndpointUrl http://127.0.0.1:5000.
#>
[CmdletBinding()]
param([Parameter(Mandatory)] [string] $ModuleManifest)

Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'

function Show-Step([string] $Text) { Write-Host "`n--- $Text" -ForegroundColor Cyan }

function Start-LocalAws {
    # moto_server on a port the system picks; its first log line names it. Stopped by process id in Stop-LocalAws.
    $moto = Get-Command moto_server -CommandType Application -ErrorAction Ignore | Select-Object -First 1
    if (-not $moto) { throw "moto_server is not on PATH. Install it with: python3 -m pip install 'moto[server]'" }
    $log = [System.IO.Path]::GetTempFileName()
    $process = Start-Process -FilePath $moto.Source -ArgumentList '-H', '127.0.0.1', '-p', '0' -RedirectStandardError $log `
        -RedirectStandardOutput "$log.out" -PassThru
    $deadline = [datetime]::UtcNow.AddSeconds(60)
    while ([datetime]::UtcNow -lt $deadline -and -not $process.HasExited) {
        $port = Select-String -Path $log, "$log.out" -Pattern 'Running on http://127\.0\.0\.1:(\d+)' -ErrorAction Ignore |
            Select-Object -First 1 | ForEach-Object { $_.Matches[0].Groups[1].Value }
        if ($port) { return [pscustomobject]@{ Process = $process; Endpoint = "http://127.0.0.1:$port"; Logs = @($log, "$log.out") } }
        Start-Sleep -Milliseconds 200
    }
    $process | Stop-Process -Force -ErrorAction Ignore
    throw "moto_server did not start within 60 s; its log: $(Get-Content -Raw $log -ErrorAction Ignore)"
}

function Stop-LocalAws($Server) {
    $Server.Process | Stop-Process -Force -ErrorAction Ignore
    $null = $Server.Process.WaitForExit(10000)
    Remove-Item $Server.Logs -Force -ErrorAction Ignore
}

function Invoke-Shown([string] $Command, [scriptblock] $Action) {
    Show-Step $Command
    & $Action
}

Show-Step 'Starting moto (local AWS) on 127.0.0.1'
$server = Start-LocalAws
$checkpoints = Join-Path ([System.IO.Path]::GetTempPath()) "ordermonitoring-demo-$($server.Process.Id)"
try {
    $env:ORDERMONITORING_CHECKPOINT_DIR = $checkpoints
    $env:AWS_ACCESS_KEY_ID = 'test'
    $env:AWS_SECRET_ACCESS_KEY = 'test'
    Import-Module $ModuleManifest
    # Every cmdlet takes the connection parameters of AWS Tools for PowerShell; here they point at moto.
    $demo = @{ Environment = 'demo'; EndpointUrl = $server.Endpoint; Region = 'us-east-1' }
    Write-Host "moto: $($server.Endpoint)"

    $stack = Invoke-Shown 'New-OrderMonitoringStack -Environment demo -ProcessorTrigger External' {
        New-OrderMonitoringStack @demo -ProcessorTrigger External
    }
    $stack | Format-Table StackName, Status, Environment, Region -AutoSize | Out-Host

    $sent = Invoke-Shown 'Send-TestOrderEvent -Environment demo -Count 40 -FailedPercent 15' {
        @(Send-TestOrderEvent @demo -Count 40 -FailedPercent 15)
    }
    $sent | Group-Object Status | Sort-Object Name | Format-Table @{ n = 'Status'; e = 'Name' }, Count -AutoSize | Out-Host

    $updated = Invoke-Shown '... | Select-Object OrderId, Timestamp, @{ n = ''Status''; e = { ''FAILED'' } } | Send-TestOrderEvent -Environment demo -Force' {
        # The same item written again (-Force: an existing item is never overwritten without it): a MODIFY record in
        # the stream, with the old and the new image.
        @($sent | Where-Object Status -NE 'FAILED' | Select-Object -First 3 |
            Select-Object OrderId, Timestamp, @{ n = 'Status'; e = { 'FAILED' } } | Send-TestOrderEvent @demo -Force)
    }
    $updated | Format-Table OrderId, Status -AutoSize | Out-Host

    Invoke-Shown 'Invoke-OrderEventProcessor -Environment demo -FromStream   (what the Lambda trigger does in AWS)' {
        Invoke-OrderEventProcessor @demo -FromStream | Format-List Records, Audited, Alerts, Quarantined, Failed, Shards, Duration | Out-Host
    }

    Invoke-Shown "Get-OrderAuditLog -Environment demo -OrderId $($updated[0].OrderId)" {
        Get-OrderAuditLog @demo -OrderId $updated[0].OrderId |
            Format-Table EventTime, EventType, PreviousStatus, Status, SequenceNumber -AutoSize | Out-Host
    }

    Invoke-Shown 'Get-OrderAuditLog -Environment demo -Status FAILED' {
        Get-OrderAuditLog @demo -Status FAILED | Format-Table OrderId, EventType, PreviousStatus, Status, ProcessedAt -AutoSize | Out-Host
    }

    Invoke-Shown 'Get-OrderMonitoringStatus -Environment demo   (moto skips CloudWatch alarms: a warning)' {
        Get-OrderMonitoringStatus @demo -WarningAction SilentlyContinue | Format-List Healthy, Reasons, FailureQueueDepth, Invocations | Out-Host
    }

    Invoke-Shown 'Invoke-OrderEventProcessor -Environment demo -FromStream   (again: nothing new, thanks to the checkpoints)' {
        Invoke-OrderEventProcessor @demo -FromStream | Format-List Records | Out-Host
    }
}
finally {
    Show-Step 'Stopping moto'
    Stop-LocalAws $server
    Remove-Item $checkpoints -Recurse -Force -ErrorAction Ignore
}
