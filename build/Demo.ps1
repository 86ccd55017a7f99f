<#
.SYNOPSIS
    The whole order-monitoring flow on a local moto server, in about a minute.

.DESCRIPTION
    build.ps1 demo runs this in a fresh pwsh after staging the module. It:
      1. starts moto on 127.0.0.1 (nothing leaves this machine; dummy credentials),
      2. deploys the stack with New-OrderMonitoringStack -ProcessorTrigger External
         (the processor runs here instead of in Lambda),
      3. subscribes an SQS queue to the alerts topic, to catch the alerts,
      4. sends a few dozen orders (some FAILED), updates a few to FAILED and deletes one,
      5. runs the processor over the table's stream with Invoke-OrderEventProcessor -FromStream,
      6. shows one order's audit history, the FAILED orders, and the alerts that arrived,
      7. stops moto.
#>
[CmdletBinding()]
param([Parameter(Mandatory)] [string] $ModuleManifest)

Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
$repo = Split-Path $PSScriptRoot
Import-Module (Join-Path $repo 'Tests/Pester/TestSupport/MotoServer.psm1')

function Show-Step([string] $Text) { Write-Host "`n--- $Text" -ForegroundColor Cyan }

Show-Step 'Starting moto (local AWS) on 127.0.0.1'
$server = Start-MotoServer
$checkpoints = Join-Path ([System.IO.Path]::GetTempPath()) "ordermonitoring-demo-$($server.Port)"
try {
    $env:ORDERMONITORING_CHECKPOINT_DIR = $checkpoints
    Import-Module $ModuleManifest
    Import-Module (Join-Path $repo 'Tests/Pester/OrdersTestSupport.psm1')
    # Every cmdlet takes the same connection parameters as AWS Tools for PowerShell.
    $aws = @{ EndpointUrl = $server.Endpoint; Region = 'us-east-1'; AccessKey = 'test'; SecretKey = 'test' }
    $demo = @{ Environment = 'demo' } + $aws
    Write-Host "moto: $($server.Endpoint)"

    Show-Step 'New-OrderMonitoringStack -Environment demo -ProcessorTrigger External'
    $stack = New-OrderMonitoringStack @demo -ProcessorTrigger External
    $stack | Format-Table StackName, Status, Environment, Region -AutoSize | Out-Host

    Show-Step 'Subscribing an SQS queue to the alerts topic'
    $factory = New-TestClientFactory -EndpointUrl $server.Endpoint
    $topicArn = Get-StackResourceId -Factory $factory -StackName $stack.StackName -LogicalId OrderAlertsTopic
    $queueUrl = New-AlertQueue -Factory $factory -TopicArn $topicArn -Name 'demo-alerts'
    Write-Host "queue: $queueUrl"

    Show-Step 'Send-TestOrderEvent -Count 40 -FailedPercent 15'
    $sent = @(Send-TestOrderEvent @demo -Count 40 -FailedPercent 15)
    $sent | Group-Object Status | Sort-Object Name | Format-Table @{ n = 'Status'; e = 'Name' }, Count -AutoSize | Out-Host

    Show-Step 'Updating three orders to FAILED (same item: a MODIFY) and deleting one order'
    $others = @($sent | Where-Object Status -NE 'FAILED')
    $updated = $others | Select-Object -First 3 | Select-Object OrderId, Timestamp, @{ n = 'Status'; e = { 'FAILED' } } | Send-TestOrderEvent @demo
    $updated | Format-Table OrderId, Status -AutoSize | Out-Host
    Remove-TestOrder -Factory $factory -TableName $sent[0].TableName -OrderId $others[3].OrderId -Timestamp $others[3].Timestamp
    Write-Host "deleted: $($others[3].OrderId)"

    Show-Step 'Invoke-OrderEventProcessor -FromStream (the processor, run here)'
    Invoke-OrderEventProcessor @demo -FromStream | Format-List Records, Audited, Alerts, Quarantined, Failed, Shards, Duration | Out-Host

    Show-Step "Get-OrderAuditLog -OrderId $($updated[0].OrderId)"
    Get-OrderAuditLog @demo -OrderId $updated[0].OrderId |
        Format-Table EventTime, EventType, PreviousStatus, Status, SequenceNumber -AutoSize | Out-Host

    Show-Step "Get-OrderAuditLog -OrderId $($others[3].OrderId) (the deleted order)"
    Get-OrderAuditLog @demo -OrderId $others[3].OrderId | Format-Table EventTime, EventType, Status, DeletedBy -AutoSize | Out-Host

    Show-Step 'Get-OrderAuditLog -Status FAILED'
    Get-OrderAuditLog @demo -Status FAILED | Format-Table OrderId, EventType, PreviousStatus, Status, ProcessedAt -AutoSize | Out-Host

    Show-Step 'Alerts received by the subscribed queue'
    $alerts = @(Receive-Alert -Factory $factory -QueueUrl $queueUrl)
    $alerts | Format-Table Subject, Status, EventType -AutoSize | Out-Host
    Write-Host "$($alerts.Count) alert(s) for $(@($sent | Where-Object Status -EQ 'FAILED').Count) failed and $(@($updated).Count) updated-to-FAILED orders."

    Show-Step 'A second run finds nothing new (checkpoints)'
    Invoke-OrderEventProcessor @demo -FromStream | Format-List Records | Out-Host
}
finally {
    Show-Step 'Stopping moto'
    Stop-MotoServer $server
    Remove-Item $checkpoints -Recurse -Force -ErrorAction Ignore
}
