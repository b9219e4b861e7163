<#
.SYNOPSIS
    Runs the Pester files of tests/Pester against one copy of the module; writes the counts as JSON.

.DESCRIPTION
    build.ps1 runs this in a child pwsh, so the module's dll is loaded only there. The Pester files import the
    manifest named by $env:PSSOCKET_MODULE_PATH; this script sets it from -ModuleManifest.
    Exits 0 when every test passed (and, under CI=true, none was skipped), else 1.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $PesterManifest,
    [Parameter(Mandatory)] [string] $ModuleManifest,
    [Parameter(Mandatory)] [string] $TestsPath,
    [Parameter(Mandatory)] [string] $ResultsDirectory,
    [string[]] $TestPath
)

$ErrorActionPreference = 'Stop'
Import-Module $PesterManifest -MinimumVersion 5.0
$env:PSSOCKET_MODULE_PATH = $ModuleManifest
New-Item -Path $ResultsDirectory -ItemType Directory -Force | Out-Null

$configuration = New-PesterConfiguration
# build.ps1 passes several paths as one comma-separated argument (pwsh -File binds each argument as a string).
$configuration.Run.Path = if ($TestPath) { $TestPath -split ',' } else { $TestsPath }
$configuration.Run.PassThru = $true
$configuration.Output.Verbosity = 'Normal'
$configuration.TestResult.Enabled = $true
$configuration.TestResult.OutputFormat = 'NUnitXml'
$configuration.TestResult.OutputPath = Join-Path $ResultsDirectory 'pester.xml'

$result = Invoke-Pester -Configuration $configuration

# A container that fails before its tests run (a bad BeforeAll, a syntax error) counts as a failure too.
$failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
$counts = [ordered]@{
    Passed  = $result.PassedCount
    Failed  = $failed
    Skipped = $result.SkippedCount + $result.NotRunCount
}
$counts | ConvertTo-Json | Set-Content -Path (Join-Path $ResultsDirectory 'pester.json')

$skippedIsFailure = $env:CI -eq 'true' -and $counts.Skipped -gt 0
exit $(if ($failed -gt 0 -or $skippedIsFailure -or $result.PassedCount -eq 0) { 1 } else { 0 })
