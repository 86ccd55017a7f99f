<#
.SYNOPSIS
    CI/CD pipeline for one OrderMonitoring environment: review the plan, deploy, smoke-test, gate on health.

.DESCRIPTION
    Run it from any CI system that has PowerShell 7 and the module (Install-PSResource OrderMonitoring, or the folder
    build.ps1 stages). Credentials and region come the usual ways (environment variables, OIDC/web identity, a
    profile); nothing here handles secrets. Each stage prints what it did; the exit code says which stage failed:

        0   deployed, smoke test passed, healthy
        1   the module could not be imported (not installed, or -Module names no manifest)
        10  review: the plan could not be made (New-OrderMonitoringStack -WhatIf)
        20  deploy: New-OrderMonitoringStack failed (rolled back, timed out, busy)
        30  smoke: a test order's audit object did not appear (Send-TestOrderEvent -Wait)
        40  health gate: Get-OrderMonitoringStatus -Quiet said unhealthy (the reasons are printed)
        50  audit gate: Test-OrderAuditLog said the audit log is incomplete (the findings are printed)

    -ReviewOnly stops after the review stage (for a pull-request build: post the plan, change nothing).

    With -ProcessorTrigger External (local emulators such as moto, which run no Lambda functions) the script plays
    the Lambda trigger itself during the smoke test: a thread job runs Invoke-OrderEventProcessor -FromStream.

.EXAMPLE
    pwsh -File examples/Deploy-OrderMonitoring.ps1 -Environment staging -Region eu-west-1 -AlertEmail ops@contoso.com

.EXAMPLE
    pwsh -File examples/Deploy-OrderMonitoring.ps1 -Environment pr42 -ReviewOnly
#>
#Requires -Version 7.2
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $Environment,
    [string] $Region,
    [string] $EndpointUrl,
    [string] $AlertEmail,
    [ValidateSet('Lambda', 'External')] [string] $ProcessorTrigger = 'Lambda',
    [ValidateRange(1, 100)] [int] $SmokeOrders = 3,
    [ValidateRange(1, 3600)] [int] $SmokeTimeoutSeconds = 120,
    # How far back the audit gate compares the table with the audit log (0: every order; the whole table is read).
    [ValidateRange(0, 87600)] [int] $AuditWindowHours = 24,
    [switch] $ReviewOnly,
    # The module to import: its name when installed, or the path of a staged manifest.
    [string] $Module = 'OrderMonitoring'
)

Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue' # CI logs: the stages print their own lines

try {
    Import-Module $Module
}
catch {
    Write-Host "FAILED (1): the module '$Module' could not be imported: $($_.Exception.Message)"
    exit 1
}
$connection = @{}
if ($Region) { $connection.Region = $Region }
if ($EndpointUrl) { $connection.EndpointUrl = $EndpointUrl }
$target = @{ Environment = $Environment } + $connection

function Write-Stage([string] $Text) { Write-Host "==> $Text" }

function Stop-Pipeline([int] $Code, [string] $Why) {
    Write-Host "FAILED ($Code): $Why"
    exit $Code
}

# 1. Review: the change set's planned changes, created and deleted again; nothing changes.
Write-Stage "Review: New-OrderMonitoringStack -Environment $Environment -WhatIf"
$deploy = @{ ProcessorTrigger = $ProcessorTrigger } + $target
if ($AlertEmail) { $deploy.AlertEmail = $AlertEmail }
try {
    $plan = @(New-OrderMonitoringStack @deploy -WhatIf)
}
catch {
    Stop-Pipeline 10 "the plan could not be made: $($_.Exception.Message)"
}
$plan | Format-Table LogicalResourceId, ResourceType, Action, Replacement -AutoSize | Out-String -Stream | Write-Host
Write-Host "$($plan.Count) planned change(s)."
if ($ReviewOnly) { exit 0 }

# 2. Deploy: change set, executed and followed until the stack is done.
Write-Stage "Deploy: New-OrderMonitoringStack -Environment $Environment"
try {
    $stack = New-OrderMonitoringStack @deploy
}
catch {
    Stop-Pipeline 20 "$($_.FullyQualifiedErrorId): $($_.Exception.Message)"
}
Write-Host "$($stack.StackName): $($stack.Status)"

# 3. Smoke test: write orders and wait until every one has its audit object.
Write-Stage "Smoke test: Send-TestOrderEvent -Count $SmokeOrders -Wait"
$trigger = $null
$stopTrigger = [System.Threading.ManualResetEventSlim]::new($false)
if ($ProcessorTrigger -eq 'External') {
    # What Lambda's event source mapping does in AWS: read the stream and run the processor, until told to stop.
    $modulePath = (Get-Module OrderMonitoring).Path
    $trigger = Start-ThreadJob -Name "order-processor-$Environment" -ScriptBlock {
        Import-Module $using:modulePath
        $stop = $using:stopTrigger
        $arguments = $using:target
        do {
            $null = Invoke-OrderEventProcessor @arguments -FromStream -WarningAction SilentlyContinue
        } until ($stop.Wait(1000))
    }
}
try {
    $smoke = @(Send-TestOrderEvent @target -Count $SmokeOrders -FailedPercent 0 -Wait -TimeoutSeconds $SmokeTimeoutSeconds -ErrorAction Continue -ErrorVariable smokeErrors)
}
finally {
    $stopTrigger.Set()
    if ($trigger) {
        $null = Wait-Job $trigger -Timeout 60
        Receive-Job $trigger -ErrorAction Continue -ErrorVariable triggerErrors | Out-Null
        Remove-Job $trigger -Force
    }
}
if ($smokeErrors) {
    Stop-Pipeline 30 (($smokeErrors | ForEach-Object { $_.Exception.Message }) -join ' ')
}
$smoke | Format-Table OrderId, Status, AuditLatency -AutoSize | Out-String -Stream | Write-Host
Write-Host "$($smoke.Count) order(s) audited."

# 4. Health gate: alarms, failure queue, processor errors.
Write-Stage 'Health gate: Get-OrderMonitoringStatus -Quiet'
if (-not (Get-OrderMonitoringStatus @target -Quiet -WarningAction SilentlyContinue)) {
    $reasons = (Get-OrderMonitoringStatus @target -WarningAction SilentlyContinue).Reasons
    Stop-Pipeline 40 "unhealthy: $($reasons -join '; ')"
}
Write-Host 'healthy'

# 5. Audit gate: every order change of the last AuditWindowHours has its audit object, untouched. Records still in
# the stream are not findings (-IgnorePending): a live table always has a few in flight.
Write-Stage "Audit gate: Test-OrderAuditLog -IgnorePending -Quiet (last $AuditWindowHours h)"
$window = if ($AuditWindowHours -gt 0) { @{ Since = [datetime]::UtcNow.AddHours(-$AuditWindowHours) } } else { @{} }
if (-not (Test-OrderAuditLog @target @window -IgnorePending -Quiet)) {
    $findings = (Test-OrderAuditLog @target @window -IgnorePending).Findings
    Stop-Pipeline 50 ("the audit log is incomplete: " + (($findings | ForEach-Object { "$($_.Kind) $($_.OrderId)" }) -join '; '))
}
Write-Host 'complete'

Write-Host "Pipeline passed: $($stack.StackName) deployed, smoke-tested and healthy."
exit 0
