<#
.SYNOPSIS
    Rewrites the metadata of the cmdlet pages in docs/en-US from the cmdlets themselves: the SYNTAX section
    (one block per parameter set, the default marked) and each parameter's yaml blocks (type, sets, aliases,
    required, position, pipeline input), -WhatIf and -Confirm included where the cmdlet supports ShouldProcess.
    Descriptions, examples, default values, accepted values and wildcard flags are kept as written, except those of
    the shared parameters (the dynamic ones, and -WhatIf and -Confirm): their text is copied from docs/en-US/shared/SharedParameters.md, written once for every
    cmdlet that takes them.

.DESCRIPTION
    Run it after changing a cmdlet's parameters, with the module built (dotnet build), in pwsh:

        dotnet pwsh -NoProfile -File build/Update-CommandHelp.ps1

    A new parameter gets a section with a TODO description, which the MAML build refuses until it is written.
    tests/PSSocket.Tests/Cmdlets/HelpTests.cs fails when the help and the cmdlets disagree.
#>
[CmdletBinding()]
param(
    [string] $Manifest = (Join-Path $PSScriptRoot '../out/PSSocket/PSSocket.psd1'),
    [string] $Docs = (Join-Path $PSScriptRoot '../docs/en-US'),
    [string] $Shared = (Join-Path $PSScriptRoot '../docs/en-US/shared/SharedParameters.md'),
    [int] $Width = 120
)

Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'

$module = Import-Module $Manifest -Force -PassThru
# -WhatIf and -Confirm are shown (last, as platyPS does) where the cmdlet has them; the other common parameters are not.
$common = [System.Management.Automation.Cmdlet]::CommonParameters + 'UseTransaction'
$lastInSyntax = 'WhatIf', 'Confirm'

# The text of each shared parameter, written once: '### -Name' sections.
$sharedText = @{}
$sharedSource = (Get-Content -LiteralPath $Shared -Raw) -replace "`r`n", "`n"
foreach ($m in [regex]::Matches($sharedSource, '(?s)### -(\w+)\n(.*?)(?=\n### -|\z)')) {
    $sharedText[$m.Groups[1].Value] = $m.Groups[2].Value.Trim()
}

function Get-TypeName([type] $Type) {
    if ($Type.IsArray) { return (Get-TypeName $Type.GetElementType()) + '[]' }
    $Type.Name
}

# One parameter in a syntax line, as platyPS writes it.
function Format-SyntaxParameter($Parameter) {
    $isSwitch = $Parameter.ParameterType -eq [switch]
    $name = if ($Parameter.Position -ge 0) { "[-$($Parameter.Name)]" } else { "-$($Parameter.Name)" }
    $text = if ($isSwitch) { $name } else { "$name <$(Get-TypeName $Parameter.ParameterType)>" }
    if ($Parameter.IsMandatory) { $text } else { "[$text]" }
}

function Format-Syntax($Command, $Set) {
    $own = @($Set.Parameters | Where-Object { $common -notcontains $_.Name -and $lastInSyntax -notcontains $_.Name })
    $ordered = @($own | Where-Object Position -GE 0 | Sort-Object Position) +
        @($own | Where-Object { $_.Position -lt 0 -and $_.IsMandatory }) +
        @($own | Where-Object { $_.Position -lt 0 -and -not $_.IsMandatory }) +
        @($lastInSyntax | ForEach-Object { $name = $_; $Set.Parameters | Where-Object Name -EQ $name })
    $parts = @($ordered | ForEach-Object { Format-SyntaxParameter $_ })
    $parts += '[<CommonParameters>]'

    $lines = [System.Collections.Generic.List[string]]::new()
    $line = $Command.Name
    foreach ($part in $parts) {
        if ($line.Length + 1 + $part.Length -gt $Width) {
            $lines.Add($line)
            $line = ''
        }
        $line += " $part"
    }
    $lines.Add($line)
    $lines -join "`n"
}

function Format-PipelineInput($Parameter) {
    $kinds = @()
    if ($Parameter.ValueFromPipeline) { $kinds += 'ByValue' }
    if ($Parameter.ValueFromPipelineByPropertyName) { $kinds += 'ByPropertyName' }
    if ($kinds) { "True ($($kinds -join ', '))" } else { 'False' }
}

# The yaml blocks of one parameter: one per group of sets in which it has the same attributes.
function Format-ParameterYaml($Command, [string] $Name, [hashtable] $Kept) {
    $metadata = $Command.Parameters[$Name]
    $groups = [ordered]@{}
    foreach ($set in $Command.ParameterSets) {
        $p = $set.Parameters | Where-Object Name -EQ $Name
        if (-not $p) { continue }
        $position = if ($p.Position -ge 0) { "$($p.Position)" } else { 'Named' }
        $key = "$($p.IsMandatory)|$position|$(Format-PipelineInput $p)"
        if (-not $groups.Contains($key)) { $groups[$key] = [System.Collections.Generic.List[string]]::new() }
        $groups[$key].Add($set.Name)
    }

    $allSets = $groups.Count -eq 1 -and $groups[0].Count -eq $Command.ParameterSets.Count
    $blocks = foreach ($key in $groups.Keys) {
        $required, $position, $pipeline = $key -split '\|'
        $sets = if ($allSets -or ($Command.ParameterSets.Count -eq 1)) { '(All)' } else { $groups[$key] -join ', ' }
        $yaml = @(
            "Type: $(Get-TypeName $metadata.ParameterType)"
            "Parameter Sets: $sets"
            "Aliases: $($metadata.Aliases -join ', ')".TrimEnd()
        )
        if ($Kept['Accepted values']) { $yaml += "Accepted values: $($Kept['Accepted values'])" }
        $yaml += @(
            ''
            "Required: $required"
            "Position: $position"
            "Default value: $(if ($Kept['Default value']) { $Kept['Default value'] } else { 'None' })"
            "Accept pipeline input: $pipeline"
            "Accept wildcard characters: $(if ($Kept['Accept wildcard characters']) { $Kept['Accept wildcard characters'] } else { 'False' })"
        )
        '```yaml' + "`n" + ($yaml -join "`n") + "`n" + '```'
    }
    $blocks -join "`n`n"
}

foreach ($command in Get-Command -Module $module.Name -CommandType Cmdlet) {
    $path = Join-Path $Docs "$($command.Name).md"
    $text = (Get-Content -LiteralPath $path -Raw) -replace "`r`n", "`n"

    # SYNTAX: one block per parameter set, the default set first.
    $sets = @($command.ParameterSets | Sort-Object { -not $_.IsDefault })
    $syntax = foreach ($set in $sets) {
        $heading = if ($sets.Count -gt 1) { "### $($set.Name)$(if ($set.IsDefault) { ' (Default)' })`n" } else { '' }
        $heading + '```' + "`n" + (Format-Syntax $command $set) + "`n" + '```'
    }
    $text = [regex]::Replace($text, '(?s)(## SYNTAX\n\n).*?(\n## DESCRIPTION)', { param($m) $m.Groups[1].Value + ($syntax -join "`n`n") + "`n" + $m.Groups[2].Value })

    # PARAMETERS: each parameter's yaml blocks; sections for new parameters; none for removed ones.
    $own = @($command.Parameters.Values | Where-Object { $common -notcontains $_.Name } | Sort-Object Name)
    $section = [regex]::Match($text, '(?s)## PARAMETERS\n\n(.*?)(?=\n### CommonParameters|\n## INPUTS)')
    $existing = @{}
    foreach ($m in [regex]::Matches($section.Groups[1].Value, '(?s)### -(\w+)\n(.*?)(?=\n### -|\z)')) {
        $existing[$m.Groups[1].Value] = $m.Groups[2].Value
    }

    $parameters = foreach ($p in $own) {
        $body = $existing[$p.Name]
        $description = 'TODO: describe this parameter.'
        $kept = @{}
        # Shared: a dynamic parameter (declared once in src/PSSocket/Binding), or -WhatIf and -Confirm.
        $isShared = $sharedText.ContainsKey($p.Name) -and ($p.IsDynamic -or $lastInSyntax -contains $p.Name)
        if ($isShared) { $description = $sharedText[$p.Name] }
        if ($body) {
            if (-not $isShared) { $description = ($body -split '(?m)^```yaml')[0].Trim() }
            $firstYaml = [regex]::Match($body, '(?s)```yaml\n(.*?)```').Groups[1].Value
            foreach ($line in $firstYaml -split "`n") {
                if ($line -match '^(Default value|Accepted values|Accept wildcard characters): (.+)$') { $kept[$Matches[1]] = $Matches[2] }
            }
        }
        "### -$($p.Name)`n$description`n`n$(Format-ParameterYaml $command $p.Name $kept)`n"
    }
    $text = $text.Substring(0, $section.Groups[1].Index) + ($parameters -join "`n") + $text.Substring($section.Groups[1].Index + $section.Groups[1].Length)

    Set-Content -LiteralPath $path -Value $text.TrimEnd() -NoNewline:$false
}
