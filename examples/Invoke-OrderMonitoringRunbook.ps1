<#
.SYNOPSIS
    Scheduled health check for OrderMonitoring environments, with optional remediation.

.DESCRIPTION
    Meant to run on a schedule (cron, a systemd timer, Windows Task Scheduler, an Azure Automation or AWS Systems
    Manager runbook) with credentials from the environment or an instance role. For each environment it:

      1. checks health with Get-OrderMonitoringStatus (alarms, failure queue, processor errors);
      2. with -Remediate, when unhealthy: replays the failed batches, then reconciles the audit log
         (each only where this version of the module offers it; see "Remediation" below);
      3. checks health again after remediating.

    It writes one summary object per environment (Environment, Healthy, Reasons, Actions) and exits with 0 when
    every environment is healthy, 1 when one is not, 2 when one could not be checked at all (no stack, no access).

    Remediation: failed batches are replayed with Invoke-OrderEventProcessor -FailedBatches (the runbook checks that
    the installed module has it, and reports "not available in this module version" otherwise). Reconciling the
    audit log with the table is being added to the module in parallel; until it lands that step reports "not
    available in this module version" (see the marked lines in Invoke-Remediation).

.EXAMPLE
    pwsh -File examples/Invoke-OrderMonitoringRunbook.ps1 -Environment prod, staging -Region eu-west-1

.EXAMPLE
    # crontab: every 15 minutes, remediate, keep the summaries
    */15 * * * * pwsh -NoProfile -File /opt/runbooks/Invoke-OrderMonitoringRunbook.ps1 -Environment prod -Remediate >> /var/log/order-monitoring.log
#>
#Requires -Version 7.2
[CmdletBinding()]
[OutputType([pscustomobject])]
param(
    [Parameter(Mandatory)] [string[]] $Environment,
    [string] $Region,
    [string] $EndpointUrl,
    [switch] $Remediate,
    # The module to import: its name when installed, or the path of a staged manifest.
    [string] $Module = 'OrderMonitoring'
)

Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'

Import-Module $Module
$connection = @{}
if ($Region) { $connection.Region = $Region }
if ($EndpointUrl) { $connection.EndpointUrl = $EndpointUrl }

function Get-Health([hashtable] $Target) {
    # Missing alarms (local emulators skip them) are a warning, not a verdict: kept out of the log here.
    Get-OrderMonitoringStatus @Target -WarningAction SilentlyContinue
}

function Invoke-Remediation([hashtable] $Target) {
    # Returns what was done, one line per step, including the steps this module version cannot do yet.
    $processor = Get-Command Invoke-OrderEventProcessor -Module OrderMonitoring
    if ($processor.Parameters.ContainsKey('FailedBatches')) {
        # A batch that cannot be replayed (expired range, unreadable record) is a non-terminating error: reported
        # here, so the other batches and the other environments still get their turn.
        $replayed = @(Invoke-OrderEventProcessor @Target -FailedBatches -WarningAction SilentlyContinue -ErrorAction Continue -ErrorVariable replayErrors 2>$null)
        $problems = @($replayErrors | ForEach-Object { "$($_.FullyQualifiedErrorId -replace ',.*$'): $($_.Exception.Message)" })
        "replayed failed batches: $($replayed.Count) batch(es) replayed, $($problems.Count) error(s)$(if ($problems) { ': ' + ($problems -join ' | ') })"
    }
    else {
        'replay failed batches: not available in this module version (Invoke-OrderEventProcessor has no -FailedBatches)'
    }
    # >>> Reconciling the audit log with the table is being built in parallel and has no cmdlet in this version.
    # >>> When it lands, call it here (guarded like the replay above) and drop the line below.
    'reconcile the audit log: not available in this module version'
}

$worst = 0
foreach ($name in $Environment) {
    $target = @{ Environment = $name } + $connection
    $actions = [System.Collections.Generic.List[string]]::new()
    try {
        $status = Get-Health $target
        if (-not $status.Healthy -and $Remediate) {
            foreach ($line in Invoke-Remediation $target) { $actions.Add($line) }
            $status = Get-Health $target
        }
        $healthy = [bool]$status.Healthy
        $reasons = @($status.Reasons)
    }
    catch {
        # One environment that cannot be checked must not hide the others.
        $healthy = $false
        $reasons = @("could not be checked: $($_.FullyQualifiedErrorId): $($_.Exception.Message)")
        $worst = 2
    }
    if (-not $healthy -and $worst -lt 1) { $worst = 1 }
    [pscustomobject]@{
        PSTypeName  = 'OrderMonitoring.RunbookResult'
        Environment = $name
        Healthy     = $healthy
        Reasons     = $reasons
        Actions     = @($actions)
        CheckedAt   = [datetime]::UtcNow
    }
}
exit $worst
