<#
.SYNOPSIS
    Scheduled health check for OrderMonitoring environments, with optional remediation.

.DESCRIPTION
    Meant to run on a schedule (cron, a systemd timer, Windows Task Scheduler, an Azure Automation or AWS Systems
    Manager runbook) with credentials from the environment or an instance role. For each environment it:

      1. checks health with Get-OrderMonitoringStatus (alarms, failed batches, processor errors);
      2. with -Remediate, when unhealthy: replays the failed batches (Invoke-OrderEventProcessor -FailedBatches) and
         checks health again;
      3. compares the table with the audit log for the last AuditWindowHours (Test-OrderAuditLog -IgnorePending):
         an incomplete audit log makes the environment unhealthy; with -Remediate, Repair-OrderAuditLog writes
         reconciliation records for the gaps only (MissingAudit, StaleAudit, MissingRemove);
      4. alerts on integrity findings (ForgedAudit, DeletedAudit, TamperedAudit, DigestMissing, DigestInvalid,
         DigestUnsigned, BucketUnprotected, UnreadableAudit): someone with write access to the bucket may have acted
         behind the stack's back, so they are never repaired unattended. Each is written as a warning and named in the
         Reasons, and the exit code is 3; a person looks at them and repairs what can be repaired
         (Repair-OrderAuditLog, which copies the proven version back and signs a repair record).

    It writes one summary object per environment (Environment, Healthy, Reasons, Actions, Integrity) and exits with 0
    when every environment is healthy, 1 when one is not, 2 when one could not be checked at all (no stack, no access,
    or the module could not be imported), 3 when an integrity finding waits for a person (it outranks 1 and 2: an
    alert for a person must not be hidden by another environment's failure).

    -Environment takes several names: in PowerShell as a list (-Environment prod, staging); from a command line
    (pwsh -File, cron, a scheduler) as one comma-separated value without spaces (-Environment prod,staging), because
    pwsh -File hands every argument over as text and cannot build a list from "prod, staging".

    The identity it runs as needs what those cmdlets need (see their help): reading the stack, table, stream, bucket
    and queue, and for -Remediate writing to the audit bucket, kms:Sign on the stack's repair key (every repair is
    signed; without it the repair is refused and named in the Actions) and deleting replayed failure-queue messages.

.EXAMPLE
    pwsh -File examples/Invoke-OrderMonitoringRunbook.ps1 -Environment prod,staging -Region eu-west-1

.EXAMPLE
    # crontab: every 15 minutes, remediate, keep the summaries
    */15 * * * * pwsh -NoProfile -File /opt/runbooks/Invoke-OrderMonitoringRunbook.ps1 -Environment prod -Remediate >> /var/log/order-monitoring.log
#>
#Requires -Version 7.2
# No positional binding: a stray word (the 'staging' of '-Environment prod, staging' under pwsh -File) must never
# silently become the -Region or -EndpointUrl.
[CmdletBinding(PositionalBinding = $false)]
[OutputType([pscustomobject])]
param(
    # Environment names: a list, or (from pwsh -File) one comma-separated value such as prod,staging.
    [Parameter(Mandatory)] [string[]] $Environment,
    [string] $Region,
    [string] $EndpointUrl,
    [switch] $Remediate,
    # How far back the table is compared with the audit log (0: every order; the whole table is read).
    [ValidateRange(0, 87600)] [int] $AuditWindowHours = 24,
    # The module to import: its name when installed, or the path of a staged manifest.
    [string] $Module = 'OrderMonitoring',
    # What pwsh -File hands over after '-Environment prod,' when a list is typed with a space: the rest of that list.
    [Parameter(ValueFromRemainingArguments, DontShow)] [string[]] $MoreEnvironment
)

Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'

# pwsh -File passes every argument as text: '-Environment prod,staging' arrives as the one value 'prod,staging', and
# '-Environment prod, staging' as 'prod,' followed by a stray 'staging'. Both are read as the list they mean; any other
# stray argument is refused rather than ignored.
if ($MoreEnvironment -and "$($Environment[-1])".TrimEnd() -notlike '*,') {
    Write-Error -ErrorAction Continue "Unexpected argument(s): $($MoreEnvironment -join ' '). Several environments are written -Environment prod,staging."
    exit 2
}
$Environment = @(foreach ($value in @($Environment) + @($MoreEnvironment)) {
        $value -split ',' | ForEach-Object Trim | Where-Object { $_ }
    })

try {
    Import-Module $Module
}
catch {
    # Nothing could be checked: exit 2, as for an environment that cannot be checked (1 would claim "unhealthy").
    Write-Error -ErrorAction Continue "The module '$Module' could not be imported: $($_.Exception.Message)"
    exit 2
}
$connection = @{}
if ($Region) { $connection.Region = $Region }
if ($EndpointUrl) { $connection.EndpointUrl = $EndpointUrl }

function Get-Health([hashtable] $Target) {
    # Missing alarms (local emulators skip them) are a warning, not a verdict: kept out of the log here.
    Get-OrderMonitoringStatus @Target -WarningAction SilentlyContinue
}

function Invoke-Replay([hashtable] $Target) {
    # A batch that cannot be replayed (expired range, unreadable record) is a non-terminating error: reported here, so
    # the other batches and the other environments still get their turn.
    $replayed = @(Invoke-OrderEventProcessor @Target -FailedBatches -Confirm:$false -WarningAction SilentlyContinue -ErrorAction Continue -ErrorVariable replayErrors 2>$null)
    $problems = @($replayErrors | ForEach-Object { "$($_.FullyQualifiedErrorId -replace ',.*$'): $($_.Exception.Message)" })
    "replayed failed batches: $($replayed.Count) batch(es) replayed, $($problems.Count) error(s)$(if ($problems) { ': ' + ($problems -join ' | ') })"
}

function Test-AuditLog([hashtable] $Target) {
    $window = if ($AuditWindowHours -gt 0) { @{ Since = [datetime]::UtcNow.AddHours(-$AuditWindowHours) } } else { @{} }
    Test-OrderAuditLog @Target @window -IgnorePending
}

# Gaps between the table and the trail: repaired unattended with -Remediate (a reconciliation record of the item as it is now).
$GapKinds = 'MissingAudit', 'StaleAudit', 'MissingRemove'
# Evidence that someone acted behind the stack's back, or that the trail cannot be proven: a person decides.
$IntegrityKinds = 'ForgedAudit', 'DeletedAudit', 'TamperedAudit', 'DigestMissing', 'DigestInvalid', 'DigestUnsigned', 'BucketUnprotected', 'UnreadableAudit'

function Repair-AuditLog([hashtable] $Target, $Gaps) {
    try {
        $written = @($Gaps | Repair-OrderAuditLog @Target -IgnorePending -Confirm:$false -WarningAction SilentlyContinue)
        "repaired the audit log: $($written.Count) change(s) for $(@($Gaps).Count) finding(s)"
    }
    catch {
        # RepairKeyUnusable: this identity may not sign repair records; nothing was changed.
        "audit log not repaired: $($_.FullyQualifiedErrorId -replace ',.*$'): $($_.Exception.Message)"
    }
}

function Get-Finding($Check, [string[]] $Kinds) { @($Check.Findings | Where-Object { $Kinds -contains "$($_.Kind)" }) }
$worst = 0
$alert = $false
foreach ($name in $Environment) {
    $target = @{ Environment = $name } + $connection
    $actions = [System.Collections.Generic.List[string]]::new()
    $integrity = @()
    try {
        $status = Get-Health $target
        if (-not $status.Healthy -and $Remediate) {
            $actions.Add((Invoke-Replay $target))
            $status = Get-Health $target
        }
        $reasons = [System.Collections.Generic.List[string]] @($status.Reasons)
        $audit = Test-AuditLog $target
        $gaps = Get-Finding $audit $GapKinds
        if ($gaps -and $Remediate) {
            $actions.Add((Repair-AuditLog $target $gaps))
            $audit = Test-AuditLog $target
        }
        $integrity = Get-Finding $audit $IntegrityKinds
        foreach ($finding in $integrity) {
            Write-Warning "$name`: $($finding.Kind) $($finding.Key ?? $finding.OrderId) needs a person (not repaired unattended): $($finding.Detail)"
        }
        if ($integrity) {
            $reasons.Add("integrity finding(s) for a person: " + (($integrity | ForEach-Object { "$($_.Kind) $($_.Key ?? $_.OrderId)" }) -join '; '))
            $alert = $true
        }
        if (-not $audit.Complete) {
            $reasons.Add("audit log incomplete: " + (($audit.Findings | ForEach-Object { "$($_.Kind) $($_.OrderId)" }) -join '; '))
        }
        $healthy = [bool]$status.Healthy -and $audit.Complete
        $reasons = @($reasons)
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
        Integrity   = @($integrity)
        CheckedAt   = [datetime]::UtcNow
    }
}
exit $(if ($alert) { 3 } else { $worst })
