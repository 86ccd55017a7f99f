# The module's root: loads the binary cmdlets so that their dependencies never clash with another module's.
#
# PowerShell 7: OrderMonitoring.Loader (the only assembly of ours in PowerShell's default load context) creates the
# module's own AssemblyLoadContext and loads OrderMonitoring.Cmdlets there; AWSSDK.*, Polly and the processor follow
# it from this folder, so AWS.Tools or any other module may load other builds of them, before or after us.
# Windows PowerShell 5.1 has no load contexts: the cmdlets load as a plain binary module (see about_OrderMonitoring).

function Assert-SupportedPowerShell([version] $Version, [string] $Edition) {
    # PowerShell 7 loads the module through OrderMonitoring.Loader, built for .NET 10: PowerShell 7.4 (.NET 8) and 7.5
    # (.NET 9) cannot load it and would fail with an assembly-load error that names neither the module nor the fix.
    if ($Edition -eq 'Core' -and ($Version.Major -lt 7 -or ($Version.Major -eq 7 -and $Version.Minor -lt 6))) {
        throw "OrderMonitoring needs PowerShell 7.6 or later (it runs on .NET 10), or Windows PowerShell 5.1; this is PowerShell $Version. Install PowerShell 7.6 or later (or run it as the .NET tool: dotnet tool install PowerShell) and import the module there."
    }
}
Assert-SupportedPowerShell -Version ([version]('{0}.{1}' -f $PSVersionTable.PSVersion.Major, $PSVersionTable.PSVersion.Minor)) -Edition $PSVersionTable.PSEdition

# Module-qualified names and LoadFrom instead of Get-Command and Add-Type: this file runs on every import, and those
# two cost more than everything else here together (build.ps1 bench measures the import).
if ($PSVersionTable.PSEdition -eq 'Core') {
    if (-not ('OrderMonitoring.Loader.ModuleLoadContext' -as [type])) {
        $null = [System.Reflection.Assembly]::LoadFrom([System.IO.Path]::Combine($PSScriptRoot, 'OrderMonitoring.Loader.dll'))
    }
    $cmdletAssembly = [OrderMonitoring.Loader.ModuleLoadContext]::LoadModule($PSScriptRoot)
    $cmdlets = Microsoft.PowerShell.Core\Import-Module -Assembly $cmdletAssembly -PassThru -ErrorAction Stop
}
else {
    $cmdlets = Microsoft.PowerShell.Core\Import-Module -Name ([System.IO.Path]::Combine($PSScriptRoot, 'OrderMonitoring.Cmdlets.dll')) -PassThru -ErrorAction Stop
}

# Import-Module -Assembly of an assembly already imported once (Import-Module -Force, a second import) hands back the
# cached module without adding its cmdlets to this one (PowerShell issue 20710), so they are added here every time.
$addExportedCmdlet = [System.Management.Automation.PSModuleInfo].GetMethod('AddExportedCmdlet', [System.Reflection.BindingFlags]'Instance, NonPublic')
if ($addExportedCmdlet) {
    foreach ($cmdlet in $cmdlets.ExportedCmdlets.Values) {
        $null = $addExportedCmdlet.Invoke($ExecutionContext.SessionState.Module, @(, $cmdlet))
    }
}
