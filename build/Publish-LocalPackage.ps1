<#
.SYNOPSIS
    Packs the staged module as a .nupkg with PSResourceGet into a folder repository.

.DESCRIPTION
    Copies the staged module to a packaging folder, writes the CHANGELOG.md section of the module's version into
    the copy's ReleaseNotes, checks the manifest, and publishes it with Publish-PSResource into -RepositoryPath.
    build.ps1 runs this in a child pwsh whose user data folders point into out/, so registering the folder
    repository touches no repository list of the user's.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $StagedModule,
    [Parameter(Mandatory)] [string] $ChangelogPath,
    [Parameter(Mandatory)] [string] $WorkDirectory,
    [Parameter(Mandatory)] [string] $RepositoryPath,
    [Parameter(Mandatory)] [string] $RepositoryName
)

$ErrorActionPreference = 'Stop'
Import-Module Microsoft.PowerShell.PSResourceGet

$manifestName = 'PSSocket.psd1'
$version = (Import-PowerShellDataFile -Path (Join-Path $StagedModule $manifestName)).ModuleVersion

# The section of CHANGELOG.md headed "## [<version>]" up to the next "## " heading.
$lines = Get-Content -Path $ChangelogPath
$start = [array]::FindIndex([string[]] $lines, [Predicate[string]] { param($l) $l -match "^## \[$([regex]::Escape($version))\]" })
if ($start -lt 0) {
    throw "CHANGELOG.md has no section '## [$version]' for the module's version."
}
$section = $lines | Select-Object -Skip ($start + 1) | ForEach-Object -Begin { $done = $false } -Process {
    if ($_ -match '^## ') { $done = $true }
    if (-not $done) { $_ }
}
$releaseNotes = ($section -join "`n").Trim()

$packageModule = Join-Path $WorkDirectory 'PSSocket'
if (Test-Path -Path $WorkDirectory) { Remove-Item -Path $WorkDirectory -Recurse -Force }
New-Item -Path $packageModule -ItemType Directory -Force | Out-Null
Copy-Item -Path (Join-Path $StagedModule '*') -Destination $packageModule -Recurse

$manifestPath = Join-Path $packageModule $manifestName
$manifestText = Get-Content -Path $manifestPath -Raw
$quoted = "'" + $releaseNotes.Replace("'", "''") + "'"
$pattern = "(?m)^(\s*)ReleaseNotes(\s*)=\s*'[^']*'"
if ($manifestText -notmatch $pattern) {
    throw "$manifestName has no ReleaseNotes = '...' line in PSData to fill from the changelog."
}
$manifestText = [regex]::Replace($manifestText, $pattern, { param($m) "$($m.Groups[1].Value)ReleaseNotes$($m.Groups[2].Value)= $quoted" })
Set-Content -Path $manifestPath -Value $manifestText -NoNewline
Test-ModuleManifest -Path $manifestPath | Out-Null

New-Item -Path $RepositoryPath -ItemType Directory -Force | Out-Null
Get-ChildItem -Path $RepositoryPath -Filter "PSSocket.$version.nupkg" | Remove-Item -Force
if (-not (Get-PSResourceRepository -Name $RepositoryName -ErrorAction Ignore)) {
    Register-PSResourceRepository -Name $RepositoryName -Uri $RepositoryPath -Trusted
}
Publish-PSResource -Path $packageModule -Repository $RepositoryName
$package = Join-Path $RepositoryPath "PSSocket.$version.nupkg"
if (-not (Test-Path -Path $package)) {
    throw "Publish-PSResource made no $package."
}
Write-Host "    $package"
