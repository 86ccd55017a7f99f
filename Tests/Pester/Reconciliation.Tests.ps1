# Test-OrderAuditLog and Repair-OrderAuditLog end to end on moto (127.0.0.1): deploy with an external processor, send
# and process orders, then change the table and the audit bucket behind the module's back with the SDK.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport/OrdersSuite.ps1')
}

AfterAll { Stop-OrdersSuite }

Describe 'Reconciling the table with the audit trail' {
    BeforeAll {
        $script:E2E = @{ Environment = 'recon1' } + $Aws
        $null = New-OrderMonitoringStack @E2E -ProcessorTrigger External
        $script:Bucket = Get-StackResourceId -Factory $Factory -StackName 'order-monitoring-recon1' -LogicalId AuditLogsBucket
        $script:S3 = $Factory.CreateS3()
        # moto's CloudFormation ignores the bucket's VersioningConfiguration; the S3 API honours it.
        $versioning = [Amazon.S3.Model.PutBucketVersioningRequest]@{
            BucketName = $Bucket; VersioningConfig = [Amazon.S3.Model.S3BucketVersioningConfig]@{ Status = [Amazon.S3.VersionStatus]::Enabled }
        }
        $null = $S3.PutBucketVersioningAsync($versioning).GetAwaiter().GetResult()

        $script:Sent = @(Send-TestOrderEvent @E2E -Count 6 -FailedPercent 0)
        $null = Invoke-OrderEventProcessor @E2E -FromStream -WarningVariable processorWarnings -WarningAction SilentlyContinue
        Assert-OnlyUnsignedDigestWarning $processorWarnings
        $script:Untouched = $Sent[5]

        # Behind the module's back: delete one audit object, overwrite another with a changed status ...
        $script:DeletedKey = (Get-OrderAuditLog @E2E -OrderId $Sent[0].OrderId).Key
        $null = $S3.DeleteObjectAsync($Bucket, $DeletedKey).GetAwaiter().GetResult()
        $script:TamperedKey = (Get-OrderAuditLog @E2E -OrderId $Sent[1].OrderId).Key
        $original = Get-OrderAuditLog @E2E -OrderId $Sent[1].OrderId -Raw
        # Sent orders get random statuses: forge one the original cannot have.
        $forged = $original -replace '"status":"[A-Z]+"', '"status":"FORGED"'
        $null = $S3.PutObjectAsync([Amazon.S3.Model.PutObjectRequest]@{ BucketName = $Bucket; Key = $TamperedKey; ContentBody = $forged }).GetAwaiter().GetResult()
        # ... change one item and delete another in the table, and add one, without processing the stream.
        $script:Changed = $Sent[2]
        $null = [pscustomobject]@{ OrderId = $Changed.OrderId; Timestamp = $Changed.Timestamp; Status = 'CANCELLED' } | Send-TestOrderEvent @E2E -Force
        $script:Removed = $Sent[3]
        Remove-TestOrder -Factory $Factory -TableName $Sent[0].TableName -OrderId $Removed.OrderId -Timestamp $Removed.Timestamp
        $script:Added = Send-TestOrderEvent @E2E -Count 1 -FailedPercent 0

        $script:Check = Test-OrderAuditLog @E2E
    }

    # Each context sets up the state its tests read in its own BeforeAll, so any one of them can run alone.
    Context 'before any repair' {
        It 'reports exactly the five findings and nothing else' {
            $Check | Should -BeOfType ([OrderMonitoring.AuditLogCheck])
            $Check.Complete | Should -BeFalse
            $found = @($Check.Findings | Sort-Object { "$($_.Kind)" } | ForEach-Object { "$($_.Kind) $($_.OrderId)" })
            $expected = @(
                "DeletedAudit $($Sent[0].OrderId)", "MissingAudit $($Added.OrderId)", "MissingRemove $($Removed.OrderId)",
                "StaleAudit $($Changed.OrderId)", "TamperedAudit $($Sent[1].OrderId)")
            $found | Should -Be $expected
            ($Check.Findings | Where-Object Kind -EQ DeletedAudit).Key | Should -Be $DeletedKey
            ($Check.Findings | Where-Object Kind -EQ TamperedAudit).Key | Should -Be $TamperedKey
            ($Check.Findings | Where-Object Kind -EQ StaleAudit).Timestamp | Should -Be "$($Changed.Timestamp)"
            $Check.OrdersChecked | Should -Be 7
            $Check.ItemsChecked | Should -Be 6
        }

        It 'answers only $false with -Quiet, and $true for an untouched order' {
            Test-OrderAuditLog @E2E -Quiet | Should -BeExactly $false
            Test-OrderAuditLog @E2E -OrderId $Untouched.OrderId -Quiet | Should -BeExactly $true
        }

        It 'does not count changes still waiting in the stream with -IgnorePending' {
            $pending = Test-OrderAuditLog @E2E -IgnorePending
            @($pending.Findings.Kind | Sort-Object { "$_" }) | Should -Be @('DeletedAudit', 'TamperedAudit')
            $pending.PendingIgnored | Should -Be 3
        }
    }

    Context 'after repairing every finding' {
        BeforeAll {
            $script:Repairs = @(Repair-OrderAuditLog @E2E -Confirm:$false -RestoreTampered)
        }

        It 'repairs every finding, after which the check is complete and a second repair writes nothing' {
            $repairs = $Repairs
            $repairs | Should -HaveCount 5
            $repairs[0] | Should -BeOfType ([OrderMonitoring.AuditRepair])
            @($repairs.Action | Sort-Object -Unique) | Should -Be @('RemovedDeleteMarker', 'RestoredFirstVersion', 'WroteReconciliationRecord')

            (Test-OrderAuditLog @E2E).Complete | Should -BeTrue
            @(Repair-OrderAuditLog @E2E -Confirm:$false -RestoreTampered) | Should -HaveCount 0
            (Get-OrderAuditLog @E2E -OrderId $Sent[1].OrderId).Status | Should -Be $Sent[1].Status
        }

        It 'shows reconciliation records in Get-OrderAuditLog, marked as reconciled' {
            $history = @(Get-OrderAuditLog @E2E -OrderId $Changed.OrderId)
            $history.EventType | Should -Be @('INSERT', 'MODIFY')
            $history[1].Reconciled | Should -BeTrue
            $history[1].ReconciledFor | Should -Be 'StaleAudit'
            $history[1].Status | Should -Be 'CANCELLED'
            $removal = @(Get-OrderAuditLog @E2E -OrderId $Removed.OrderId)[-1]
            ($removal.EventType, $removal.DeletedBy, $removal.ReconciledFor) | Should -Be @('REMOVE', 'unknown', 'MissingRemove')
            ($history | Format-Table | Out-String -Width 200) | Should -Match 'CANCELLED \(reconciled\)'
        }
    }

    Context 'repairing the findings piped in' {
        BeforeAll {
            # Starts from a complete trail whether or not the contexts above ran (a repeated repair writes nothing).
            $null = Repair-OrderAuditLog @E2E -Confirm:$false -RestoreTampered
        }

        It 'repairs only the findings piped in, and only with -WhatIf it changes nothing' {
            $null = [pscustomobject]@{ OrderId = $Untouched.OrderId; Timestamp = $Untouched.Timestamp; Status = 'SHIPPED' } | Send-TestOrderEvent @E2E -Force
            $check = Test-OrderAuditLog @E2E -OrderId $Untouched.OrderId
            @($check.Findings.Kind) | Should -Be @('StaleAudit')
            $plan = Invoke-CapturedHost { $check | Repair-OrderAuditLog @Aws -WhatIf } @{ check = $check; Aws = $Aws }
            $plan.Output | Should -HaveCount 0
            @($plan.HostLines | Where-Object { $_ -like 'What if: *Write a MODIFY reconciliation record*(StaleAudit)*' }) | Should -HaveCount 1
            (Test-OrderAuditLog @E2E -OrderId $Untouched.OrderId -Quiet) | Should -BeFalse
            @($check.Findings | Repair-OrderAuditLog @Aws -Confirm:$false) | Should -HaveCount 1
            (Test-OrderAuditLog @E2E -Quiet) | Should -BeTrue
        }
    }
}
