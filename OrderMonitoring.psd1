@{
    # The root script loads the binary cmdlet library: on PowerShell 7 into the module's own AssemblyLoadContext (with
    # AWSSDK.*, Polly, ... staged beside it by build.ps1), so other modules' builds of those assemblies never clash.
    RootModule           = 'OrderMonitoring.psm1'
    ModuleVersion        = '0.1.0'
    GUID                 = '24520932-45e4-4b4d-831f-f5363d6e74a4'
    Author               = 'OrderMonitoring contributors'
    CompanyName          = 'OrderMonitoring contributors'
    Copyright            = '(c) OrderMonitoring contributors. MIT License.'
    Description          = 'Deploys and operates an AWS monitoring stack for e-commerce order processing: a DynamoDB order table whose stream feeds a C# Lambda that audits every change to a versioned, encrypted S3 bucket and alerts on failed orders through SNS, watched by CloudWatch alarms. Runs on PowerShell 7.6 and later and on Windows PowerShell 5.1.'
    # Supported: PowerShell 7.6 and later (Core; the loader is built for .NET 10) and Windows PowerShell 5.1 (Desktop).
    # A manifest can state only one minimum for both editions, so the root module refuses PowerShell 7.0-7.5 at import
    # with a message that names the supported versions.
    CompatiblePSEditions = @('Desktop', 'Core')
    PowerShellVersion    = '5.1'

    FormatsToProcess     = @('OrderMonitoring.Format.ps1xml')

    # Explicit lists: no wildcards, so PowerShell never loads the assembly just to discover what it exports.
    CmdletsToExport      = @('Get-OrderMonitoringStack', 'Get-OrderMonitoringStatus', 'New-OrderMonitoringStack', 'Remove-OrderMonitoringStack', 'Send-TestOrderEvent', 'Get-OrderAuditLog', 'Invoke-OrderEventProcessor', 'Test-OrderAuditLog', 'Repair-OrderAuditLog', 'Export-OrderAuditSigningKey')
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()

    PrivateData          = @{
        PSData = @{
            Tags         = @('AWS', 'CloudFormation', 'DynamoDB', 'Lambda', 'S3', 'SNS', 'CloudWatch', 'Monitoring', 'Audit', 'Orders', 'PSEdition_Core', 'PSEdition_Desktop', 'Linux', 'Windows', 'MacOS')
            # No ProjectUri/LicenseUri: the project has no public address yet, and a placeholder would send users
            # nowhere. The licence (MIT) ships as LICENSE in the module folder.
            ReleaseNotes = 'First version.'
        }
    }
}
