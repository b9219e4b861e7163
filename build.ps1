<#
.SYNOPSIS
    Builds, tests, packages and demonstrates PSSocket. Needs PowerShell 7 and the .NET SDK.

.DESCRIPTION
    Runs the tasks given, in order:

      Build         dotnet build PSSocket.sln: stages the importable module in out/PSSocket.
      Test          the xunit suite (dotnet test), every Pester file in tests/Pester in a child pwsh with the
                    pinned Pester, and every script in examples/ in a child pwsh. Runs every stage even when
                    one fails, then fails if any test failed (or, with CI=true, was skipped).
      Package       a .nupkg made by PSResourceGet's Publish-PSResource in the folder repository out/repository,
                    with the manifest's ReleaseNotes taken from CHANGELOG.md.
      InstallCheck  Package, then in a fresh pwsh: installs PSSocket by name from that repository into a new
                    module folder, imports it by name, checks its manifest and help, and runs a lifecycle.
      Demo          runs examples/echo-demo.ps1 in a child pwsh.
      Clean         dotnet clean, and removes out/.

    Build runs first by itself when a task needs the module. The child pwsh is the one running this script, so
    the pinned tool (`dotnet pwsh ./build.ps1`) tests with itself, and any other pwsh 7 works the same way.
    The run ends with one line, "N passed, M failed", over every test, example and install check it ran.

.EXAMPLE
    dotnet tool restore; dotnet pwsh ./build.ps1 Test InstallCheck

    What CI runs: every test, the examples and the package install check.

.EXAMPLE
    ./build.ps1 Test -PesterPath tests/Pester/Lifecycle.Tests.ps1 -SkipXunit

    Runs one Pester file (and the examples) against a fresh build.
#>
[CmdletBinding()]
param(
    # Task names; several may be given as a list, or one after another (`./build.ps1 Test InstallCheck`), which
    # is the form that works through `pwsh -File`.
    [Parameter(Position = 0, ValueFromRemainingArguments)]
    [string[]] $Task = @('Build', 'Test'),

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    # Pester files or folders to run instead of all of tests/Pester.
    [string[]] $PesterPath,

    # Leaves out the xunit stage of Test.
    [switch] $SkipXunit
)

Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'

$knownTasks = 'Build', 'Test', 'Package', 'InstallCheck', 'Demo', 'Clean'
$Task = @($Task -split '[,\s]+' | Where-Object { $_ })
$PesterPath = @($PesterPath -split ',' | Where-Object { $_ })
foreach ($name in $Task) {
    if ($name -notin $knownTasks) {
        throw "Unknown task '$name'. The tasks are: $($knownTasks -join ', ')."
    }
}

$solution = Join-Path $PSScriptRoot 'PSSocket.sln'
$outDir = Join-Path $PSScriptRoot 'out'
$stagedModule = Join-Path $outDir 'PSSocket'
$stagedManifest = Join-Path $stagedModule 'PSSocket.psd1'
$resultsDir = Join-Path $outDir 'test-results'
$repositoryPath = Join-Path $outDir 'repository'
$repositoryName = 'PSSocketBuild'
$buildScripts = Join-Path $PSScriptRoot 'build'
$pesterVersion = '5.7.1'

$script:results = [System.Collections.Generic.List[object]]::new()
$script:built = $false
$script:packaged = $false

function Invoke-Step {
    param([string] $Name, [scriptblock] $Action)
    Write-Host "==> $Name" -ForegroundColor Cyan
    & $Action
}

# Runs a native command and stops the build when it fails.
function Invoke-Native {
    param([string] $FilePath, [string[]] $ArgumentList)
    Write-Host "    $FilePath $($ArgumentList -join ' ')"
    & $FilePath @ArgumentList
    if ($LASTEXITCODE -ne 0) {
        throw "'$FilePath $($ArgumentList -join ' ')' failed with exit code $LASTEXITCODE."
    }
}

# The command line that starts another pwsh like this one. Under the .NET tool (`dotnet pwsh`) the process is
# the dotnet host, which runs pwsh.dll from $PSHOME.
function Get-PwshCommand {
    $process = [Environment]::ProcessPath
    if ([IO.Path]::GetFileNameWithoutExtension($process) -eq 'pwsh') {
        return , @($process)
    }
    $pwshDll = Join-Path $PSHOME 'pwsh.dll'
    if (Test-Path -Path $pwshDll) {
        return , @($process, $pwshDll)
    }
    throw "Cannot tell how to start another pwsh from '$process'. Run this script with pwsh 7 or 'dotnet pwsh'."
}

# Runs a script in a child pwsh (-NoProfile -NonInteractive -File) with extra environment variables; returns
# its exit code. The variables are set for the child only.
function Invoke-ChildPwsh {
    param([string] $ScriptPath, [string[]] $ArgumentList = @(), [hashtable] $Environment = @{})
    $command = Get-PwshCommand
    $saved = @{}
    foreach ($name in $Environment.Keys) {
        $saved[$name] = [Environment]::GetEnvironmentVariable($name)
        [Environment]::SetEnvironmentVariable($name, $Environment[$name])
    }
    try {
        $arguments = @($command | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-File', $ScriptPath) + $ArgumentList
        & $command[0] @arguments | Out-Host
        return $LASTEXITCODE
    }
    finally {
        foreach ($name in $saved.Keys) {
            [Environment]::SetEnvironmentVariable($name, $saved[$name])
        }
    }
}

# User data folders inside out/, so PSResourceGet's repository list and installs never touch the user's.
function Get-IsolatedUserEnvironment {
    param([string] $Name)
    $userHome = Join-Path $outDir "$Name-home"
    New-Item -Path $userHome -ItemType Directory -Force | Out-Null
    @{ XDG_DATA_HOME = $userHome; XDG_CONFIG_HOME = $userHome; XDG_CACHE_HOME = $userHome; LOCALAPPDATA = $userHome }
}

function Add-Result {
    param([string] $Stage, [int] $Passed, [int] $Failed, [int] $Skipped = 0)
    $script:results.Add([pscustomobject]@{ Stage = $Stage; Passed = $Passed; Failed = $Failed; Skipped = $Skipped })
}

function Invoke-Build {
    Invoke-Native dotnet @('build', $solution, '--configuration', $Configuration)
    $script:built = $true
}

function Invoke-XunitTests {
    $trxName = 'xunit.trx'
    $trx = Join-Path $resultsDir $trxName
    Remove-Item -Path $trx -ErrorAction Ignore
    $arguments = @('test', $solution, '--configuration', $Configuration, '--no-build',
        '--logger', 'console;verbosity=normal', '--logger', "trx;LogFileName=$trxName",
        '--results-directory', $resultsDir, '--blame-hang-timeout', '5m')
    Write-Host "    dotnet $($arguments -join ' ')"
    & dotnet @arguments
    $exitCode = $LASTEXITCODE
    if (-not (Test-Path -Path $trx)) {
        Write-Host "    dotnet test wrote no results (exit code $exitCode)." -ForegroundColor Red
        Add-Result 'xunit' 0 1
        return
    }
    $counters = ([xml](Get-Content -Path $trx -Raw)).TestRun.ResultSummary.Counters
    $failed = [int]$counters.failed + [int]$counters.error + [int]$counters.timeout + [int]$counters.aborted
    if ($exitCode -ne 0 -and $failed -eq 0) {
        $failed = 1
    }
    Add-Result 'xunit' ([int]$counters.passed) $failed ([int]$counters.notExecuted)
}

function Get-PesterManifest {
    Invoke-Native dotnet @('restore', (Join-Path $buildScripts 'tools/Tools.csproj'), '--verbosity', 'quiet')
    $packages = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else {
        ((& dotnet nuget locals global-packages --list) -replace '^global-packages:\s*', '').Trim()
    }
    $manifest = Join-Path $packages "pester/$pesterVersion/tools/Pester.psd1"
    if (-not (Test-Path -Path $manifest)) {
        throw "Pester $pesterVersion was restored, but $manifest is missing."
    }
    $manifest
}

function Invoke-PesterTests {
    $pesterManifest = Get-PesterManifest
    $json = Join-Path $resultsDir 'pester.json'
    Remove-Item -Path $json -ErrorAction Ignore
    $arguments = @('-PesterManifest', $pesterManifest, '-ModuleManifest', $stagedManifest,
        '-TestsPath', (Join-Path $PSScriptRoot 'tests/Pester'), '-ResultsDirectory', $resultsDir)
    if ($PesterPath) {
        $arguments += @('-TestPath', (($PesterPath | ForEach-Object { (Resolve-Path $_).Path }) -join ','))
    }
    Write-Host "    Invoke-Pester (Pester $pesterVersion) in a child pwsh"
    $exitCode = Invoke-ChildPwsh (Join-Path $buildScripts 'Invoke-PesterSuite.ps1') $arguments
    if (-not (Test-Path -Path $json)) {
        Write-Host "    The Pester run wrote no results (exit code $exitCode)." -ForegroundColor Red
        Add-Result 'Pester' 0 1
        return
    }
    $counts = Get-Content -Path $json -Raw | ConvertFrom-Json
    $failed = [int]$counts.Failed
    if ($exitCode -ne 0 -and $failed -eq 0 -and $counts.Skipped -eq 0) {
        $failed = 1
    }
    Add-Result 'Pester' ([int]$counts.Passed) $failed ([int]$counts.Skipped)
}

function Invoke-Examples {
    $passed = 0
    $failed = 0
    foreach ($example in Get-ChildItem -Path (Join-Path $PSScriptRoot 'examples') -Filter '*.ps1' | Sort-Object Name) {
        Write-Host "--> examples/$($example.Name)"
        $exitCode = Invoke-ChildPwsh $example.FullName
        if ($exitCode -eq 0) {
            $passed++
        }
        else {
            Write-Host "    examples/$($example.Name) failed with exit code $exitCode" -ForegroundColor Red
            $failed++
        }
    }
    Add-Result 'examples' $passed $failed
}

function Invoke-Package {
    $arguments = @('-StagedModule', $stagedModule, '-ChangelogPath', (Join-Path $PSScriptRoot 'CHANGELOG.md'),
        '-WorkDirectory', (Join-Path $outDir 'package'), '-RepositoryPath', $repositoryPath,
        '-RepositoryName', $repositoryName)
    $exitCode = Invoke-ChildPwsh (Join-Path $buildScripts 'Publish-LocalPackage.ps1') $arguments (Get-IsolatedUserEnvironment 'package')
    if ($exitCode -ne 0) {
        throw "Packaging failed (exit code $exitCode)."
    }
    $script:packaged = $true
}

function Invoke-InstallCheck {
    $modulesPath = Join-Path $outDir 'install-check/Modules'
    $environment = Get-IsolatedUserEnvironment 'install-check'
    # A PSModulePath with the new module folder and pwsh's own modules only: the staged out/PSSocket is not on it.
    $environment['PSModulePath'] = @($modulesPath, (Join-Path $PSHOME 'Modules')) -join [IO.Path]::PathSeparator
    $arguments = @('-RepositoryPath', $repositoryPath, '-RepositoryName', $repositoryName, '-ModulesPath', $modulesPath)
    $exitCode = Invoke-ChildPwsh (Join-Path $buildScripts 'Test-InstalledPackage.ps1') $arguments $environment
    if ($exitCode -eq 0) { Add-Result 'install check' 1 0 } else { Add-Result 'install check' 0 1 }
}

function Invoke-Clean {
    Invoke-Native dotnet @('clean', $solution, '--configuration', $Configuration, '--verbosity', 'quiet')
    if (Test-Path -Path $outDir) {
        Remove-Item -Path $outDir -Recurse -Force
    }
    $script:built = $false
    $script:packaged = $false
}

function Confirm-Built {
    if (-not $script:built) {
        Invoke-Step "Build ($Configuration)" { Invoke-Build }
    }
}

foreach ($name in $Task) {
    switch ($name) {
        'Build' { Invoke-Step "Build ($Configuration)" { Invoke-Build } }
        'Test' {
            Confirm-Built
            New-Item -Path $resultsDir -ItemType Directory -Force | Out-Null
            if (-not $SkipXunit) {
                Invoke-Step 'xunit' { Invoke-XunitTests }
            }
            Invoke-Step 'Pester' { Invoke-PesterTests }
            Invoke-Step 'examples' { Invoke-Examples }
        }
        'Package' {
            Confirm-Built
            Invoke-Step 'Package' { Invoke-Package }
        }
        'InstallCheck' {
            Confirm-Built
            if (-not $script:packaged) {
                Invoke-Step 'Package' { Invoke-Package }
            }
            Invoke-Step 'Install check' { Invoke-InstallCheck }
        }
        'Demo' {
            Confirm-Built
            Invoke-Step 'Demo' {
                $exitCode = Invoke-ChildPwsh (Join-Path $PSScriptRoot 'examples/echo-demo.ps1')
                if ($exitCode -ne 0) { throw "The demo failed (exit code $exitCode)." }
            }
        }
        'Clean' { Invoke-Step "Clean ($Configuration)" { Invoke-Clean } }
    }
}

if ($script:results.Count -gt 0) {
    Write-Host ''
    $script:results | Format-Table -AutoSize | Out-String -Width 120 | Write-Host
    $passed = ($script:results | Measure-Object -Property Passed -Sum).Sum
    $failed = ($script:results | Measure-Object -Property Failed -Sum).Sum
    $skipped = ($script:results | Measure-Object -Property Skipped -Sum).Sum
    $summary = "$passed passed, $failed failed"
    if ($skipped -gt 0) { $summary += ", $skipped skipped" }
    Write-Host $summary
    if ($failed -gt 0 -or ($env:CI -eq 'true' -and $skipped -gt 0)) {
        exit 1
    }
}
