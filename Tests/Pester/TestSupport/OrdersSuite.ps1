# What every suite that runs the staged module against moto starts with. Dot-source it in the test file's BeforeAll:
#     BeforeAll { . (Join-Path $PSScriptRoot 'TestSupport/OrdersSuite.ps1') }
#     AfterAll { Stop-OrdersSuite }
# It imports the staged module and the helpers (Invoke-CapturedHost for -WhatIf: its lines never reach the console),
# starts moto on 127.0.0.1 and sets, in the test file's script scope:
# $ManifestPath, $Server, $Aws (connection parameters for moto), $Factory (AWS clients for checks behind the module's
# back); the processor's checkpoints go to this run's TestDrive.
$script:ManifestPath = $env:ORDERMONITORING_MODULE
if (-not $script:ManifestPath) { throw 'Run through build.ps1 test (ORDERMONITORING_MODULE names the staged manifest).' }
Import-Module (Join-Path $PSScriptRoot 'MotoServer.psm1') -Force
Import-Module $script:ManifestPath -Force
Import-Module (Join-Path $PSScriptRoot '../OrdersTestSupport.psm1') -Force
Import-Module (Join-Path $PSScriptRoot 'CapturedHost.psm1') -Force
$script:Server = Start-MotoServer
$script:Aws = @{ EndpointUrl = $script:Server.Endpoint; Region = 'us-east-1'; AccessKey = 'test'; SecretKey = 'test' }
$script:Factory = New-TestClientFactory -EndpointUrl $script:Server.Endpoint
$script:SavedCheckpointDir = $env:ORDERMONITORING_CHECKPOINT_DIR
$env:ORDERMONITORING_CHECKPOINT_DIR = Join-Path $TestDrive 'checkpoints'
# moto makes a stack's own digest key symmetric, so the audit check warns on every call that it compares without
# verifying (Reconciliation.Tests asserts that warning once; tests that read warnings use -WarningVariable, which still
# collects them); a passing run stays quiet.
$script:QuietAuditCommands = 'Test-OrderAuditLog:WarningAction', 'Repair-OrderAuditLog:WarningAction'
foreach ($name in $script:QuietAuditCommands) { $PSDefaultParameterValues[$name] = 'SilentlyContinue' }

function script:Stop-OrdersSuite {
    if ($script:Server) { Stop-MotoServer $script:Server }
    $env:ORDERMONITORING_CHECKPOINT_DIR = $script:SavedCheckpointDir
    foreach ($name in $script:QuietAuditCommands) { $PSDefaultParameterValues.Remove($name) }
}
