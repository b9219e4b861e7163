<#
.SYNOPSIS
    Builds, tests and packages PSSocket. For PowerShell 7 and Windows PowerShell 5.1; needs the .NET SDK.

.DESCRIPTION
    Tasks, run in the order given:

      Build    dotnet build PSSocket.sln: stages the importable module in out/PSSocket.
      Test     dotnet test (the xunit suite, which hosts the real PowerShell engine), then, when Pester 5 or
               later is installed, the Pester tests in tests/Pester against out/PSSocket (in a child process,
               so this session does not keep the module's dll loaded).
      Package  copies out/PSSocket to out/package/PSSocket/<ModuleVersion> and zips it as
               out/package/PSSocket.<ModuleVersion>.zip. Builds first unless Build already ran.
      Clean    dotnet clean, and removes out/.

    Any failing step stops the script with an error.

.EXAMPLE
    ./build.ps1

    Builds and tests in Release.

.EXAMPLE
    ./build.ps1 -Task Clean, Build, Package -Configuration Debug
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Package', 'Clean')]
    [string[]] $Task = @('Build', 'Test'),

    [string] $Configuration = 'Release'
)

Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'

$solution = Join-Path $PSScriptRoot 'PSSocket.sln'
$outDir = Join-Path $PSScriptRoot 'out'
$stagedModule = Join-Path $outDir 'PSSocket'
$stagedManifest = Join-Path $stagedModule 'PSSocket.psd1'

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

function Invoke-Build {
    Invoke-Native dotnet @('build', $solution, '--configuration', $Configuration)
}

function Invoke-Test {
    Invoke-Native dotnet @('test', $solution, '--configuration', $Configuration)

    $pester = Get-Module -ListAvailable -Name Pester |
        Where-Object { $_.Version -ge [version]'5.0.0' } |
        Sort-Object -Property Version -Descending |
        Select-Object -First 1
    if (-not $pester) {
        Write-Warning 'Pester 5 or later is not installed: skipping tests/Pester (Install-Module Pester -MinimumVersion 5.0).'
        return
    }

    # A child process: Pester's -CI ends its process with the number of failed tests as the exit code, and
    # the module's dll stays loaded only there, so the next build can overwrite it.
    $shell = (Get-Process -Id $PID).Path
    $testsPath = Join-Path $PSScriptRoot 'tests/Pester'
    Write-Host "    Invoke-Pester $testsPath -CI (Pester $($pester.Version))"
    & $shell -NoProfile -NonInteractive -Command {
        param($Manifest, $PesterManifest, $TestsPath, $ResultsDir)
        $ErrorActionPreference = 'Stop'
        Import-Module $PesterManifest
        Import-Module $Manifest -Force
        # -CI writes testResults.xml to the current folder: keep it in out/.
        Set-Location $ResultsDir
        Invoke-Pester -Path $TestsPath -CI
    } -args $stagedManifest, $pester.Path, $testsPath, $outDir
    if ($LASTEXITCODE -ne 0) {
        throw "The Pester tests failed (exit code $LASTEXITCODE)."
    }
}

function Invoke-Package {
    if (-not (Test-Path -Path (Join-Path $stagedModule 'PSSocket.dll'))) {
        throw "No staged module in $stagedModule. Run the Build task first."
    }

    $version = (Import-PowerShellDataFile -Path (Join-Path $PSScriptRoot 'PSSocket.psd1')).ModuleVersion
    $packageRoot = Join-Path $outDir 'package'
    $moduleRoot = Join-Path $packageRoot 'PSSocket'
    $destination = Join-Path $moduleRoot $version
    $zip = Join-Path $packageRoot "PSSocket.$version.zip"

    if (Test-Path -Path $moduleRoot) {
        Remove-Item -Path $moduleRoot -Recurse -Force
    }

    New-Item -Path $destination -ItemType Directory -Force | Out-Null
    Copy-Item -Path (Join-Path $stagedModule '*') -Destination $destination -Recurse
    Compress-Archive -Path $moduleRoot -DestinationPath $zip -Force
    Write-Host "    $destination"
    Write-Host "    $zip"
}

function Invoke-Clean {
    Invoke-Native dotnet @('clean', $solution, '--configuration', $Configuration)
    if (Test-Path -Path $outDir) {
        Remove-Item -Path $outDir -Recurse -Force
    }
}

$built = $false
foreach ($name in $Task) {
    switch ($name) {
        'Build' {
            Invoke-Step "Build ($Configuration)" { Invoke-Build }
            $built = $true
        }
        'Test' {
            Invoke-Step "Test ($Configuration)" { Invoke-Test }
            $built = $true
        }
        'Package' {
            if (-not $built) {
                Invoke-Step "Build ($Configuration)" { Invoke-Build }
                $built = $true
            }

            Invoke-Step 'Package' { Invoke-Package }
        }
        'Clean' {
            Invoke-Step "Clean ($Configuration)" { Invoke-Clean }
            $built = $false
        }
    }
}
