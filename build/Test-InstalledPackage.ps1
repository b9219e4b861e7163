<#
.SYNOPSIS
    Installs PSSocket by name from the folder repository into a new module folder and uses it from there.

.DESCRIPTION
    build.ps1 runs this in a fresh child pwsh whose user data folders point into out/ (so the repository it
    registers is not the user's) and whose PSModulePath starts with -ModulesPath, which holds no PSSocket yet.
    It installs the package with Save-PSResource, imports PSSocket by name, checks the installed manifest and
    help, and runs a short lifecycle. Prints one line per check; exits 1 at the first failed check.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $RepositoryPath,
    [Parameter(Mandatory)] [string] $RepositoryName,
    [Parameter(Mandatory)] [string] $ModulesPath
)

$ErrorActionPreference = 'Stop'
Import-Module Microsoft.PowerShell.PSResourceGet

function Assert-Check {
    param([string] $Name, [scriptblock] $Check)
    try {
        $ok = & $Check
    }
    catch {
        $ok = $false
        Write-Host "    error: $_"
    }
    if (-not $ok) {
        Write-Host "  [-] $Name"
        exit 1
    }
    Write-Host "  [+] $Name"
}

if (Test-Path -Path $ModulesPath) { Remove-Item -Path $ModulesPath -Recurse -Force }
New-Item -Path $ModulesPath -ItemType Directory -Force | Out-Null
if (-not (Get-PSResourceRepository -Name $RepositoryName -ErrorAction Ignore)) {
    Register-PSResourceRepository -Name $RepositoryName -Uri $RepositoryPath -Trusted
}

Assert-Check 'no PSSocket on PSModulePath before the install' {
    -not (Get-Module -ListAvailable -Name PSSocket)
}
Assert-Check 'Find-PSResource finds PSSocket in the folder repository' {
    (Find-PSResource -Name PSSocket -Repository $RepositoryName).Name -eq 'PSSocket'
}
Assert-Check 'Save-PSResource installs it into the module folder' {
    Save-PSResource -Name PSSocket -Repository $RepositoryName -Path $ModulesPath -TrustRepository -Quiet
    Test-Path -Path (Join-Path $ModulesPath 'PSSocket/*/PSSocket.psd1')
}
$installed = Get-Module -ListAvailable -Name PSSocket
Assert-Check 'Test-ModuleManifest passes on the installed manifest, with release notes' {
    $manifest = Test-ModuleManifest -Path $installed.Path
    $manifest.Version -eq $installed.Version -and $manifest.ReleaseNotes -match '\S'
}
Assert-Check 'Import-Module PSSocket by name loads the installed copy' {
    $module = Import-Module -Name PSSocket -PassThru
    $module.ModuleBase.StartsWith((Resolve-Path $ModulesPath).Path) -and $module.ExportedCmdlets.Count -ge 10
}
Assert-Check 'Get-Help shows the installed help' {
    (Get-Help Connect-Socket -Full | Out-String) -match 'EXAMPLE'
}
Assert-Check 'a listener, a client and an accepted session exchange a line and close' {
    $listener = Start-SocketListener
    $client = Connect-Socket 127.0.0.1 $listener.LocalEndPoint.Port -Timeout 10000
    $server = $listener | Wait-SocketConnection -Timeout 10000
    $client | Send-SocketData 'installed' -Line
    $line = $server | Receive-SocketData -Line -Timeout 10000
    Get-Socket | Close-Socket
    $line -ceq 'installed' -and @(Get-Socket).Count -eq 0
}
exit 0
