# Reads platyPS-style command markdown and writes MAML; used by New-ModuleHelp.ps1 and by the help tests.
Set-StrictMode -Version 3.0

$script:Namespaces = @{
    maml    = 'http://schemas.microsoft.com/maml/2004/10'
    command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
    dev     = 'http://schemas.microsoft.com/maml/dev/2004/10'
}

function Split-MarkdownSection {
    <# Splits lines at headings of one level into an ordered name -> lines map. #>
    param([string[]] $Lines, [string] $Prefix)
    $sections = [ordered]@{}
    $current = $null
    $inFence = $false
    foreach ($line in $Lines) {
        if ($line -match '^```') { $inFence = -not $inFence }
        if (-not $inFence -and $line.StartsWith("$Prefix ")) {
            $current = $line.Substring($Prefix.Length + 1).Trim()
            $sections[$current] = [System.Collections.Generic.List[string]]::new()
            continue
        }
        if ($null -ne $current) { $sections[$current].Add($line) }
    }
    return $sections
}

function ConvertTo-Paragraph {
    <# Blank-line separated paragraphs, each folded to one line (markdown wraps are not MAML line breaks). #>
    param([string[]] $Lines)
    $paragraphs = [System.Collections.Generic.List[string]]::new()
    $buffer = [System.Collections.Generic.List[string]]::new()
    foreach ($line in @($Lines) + '') {
        if ([string]::IsNullOrWhiteSpace($line)) {
            if ($buffer.Count) { $paragraphs.Add(($buffer -join ' ')); $buffer.Clear() }
        }
        elseif ($line -match '^\s*[-*] ') {
            # A list item starts its own paragraph.
            if ($buffer.Count) { $paragraphs.Add(($buffer -join ' ')); $buffer.Clear() }
            $buffer.Add($line.Trim())
        }
        else { $buffer.Add($line.Trim()) }
    }
    return , $paragraphs.ToArray()
}

function Read-CommandMarkdown {
    <# Parses docs/commands/<Cmdlet>.md into name, synopsis, description, examples, parameters, inputs, outputs, notes, links. #>
    [OutputType([pscustomobject])]
    param([Parameter(Mandatory)] [string] $Path)

    $lines = Get-Content -Path $Path
    $title = $lines | Where-Object { $_ -match '^# ' } | Select-Object -First 1
    if (-not $title) { throw "$Path has no '# <Cmdlet>' title." }
    $sections = Split-MarkdownSection -Lines $lines -Prefix '##'
    foreach ($required in 'SYNOPSIS', 'DESCRIPTION', 'EXAMPLES', 'PARAMETERS', 'INPUTS', 'OUTPUTS') {
        if (-not $sections.Contains($required)) { throw "$Path lacks the '## $required' section." }
    }

    $examples = foreach ($entry in (Split-MarkdownSection -Lines $sections['EXAMPLES'] -Prefix '###').GetEnumerator()) {
        $code = [System.Collections.Generic.List[string]]::new()
        $remarks = [System.Collections.Generic.List[string]]::new()
        $inFence = $false
        foreach ($line in $entry.Value) {
            if ($line -match '^```') { $inFence = -not $inFence; continue }
            if ($inFence) { $code.Add($line) } else { $remarks.Add($line) }
        }
        [pscustomobject]@{ Title = $entry.Key; Code = ($code -join "`n"); Remarks = ConvertTo-Paragraph $remarks }
    }

    $parameters = [ordered]@{}
    foreach ($entry in (Split-MarkdownSection -Lines $sections['PARAMETERS'] -Prefix '###').GetEnumerator()) {
        # Drop platyPS's yaml metadata block if present: the metadata comes from the cmdlet itself.
        $text = [System.Collections.Generic.List[string]]::new()
        $inFence = $false
        foreach ($line in $entry.Value) {
            if ($line -match '^```') { $inFence = -not $inFence; continue }
            if (-not $inFence) { $text.Add($line) }
        }
        $parameters[$entry.Key.TrimStart('-')] = ConvertTo-Paragraph $text
    }

    $typed = {
        param($lines)
        foreach ($entry in (Split-MarkdownSection -Lines $lines -Prefix '###').GetEnumerator()) {
            [pscustomobject]@{ Type = $entry.Key; Description = ConvertTo-Paragraph $entry.Value }
        }
    }

    [pscustomobject]@{
        Name        = $title.Substring(2).Trim()
        Synopsis    = (ConvertTo-Paragraph $sections['SYNOPSIS']) -join ' '
        Description = ConvertTo-Paragraph $sections['DESCRIPTION']
        Examples    = @($examples)
        Parameters  = $parameters
        Inputs      = @(& $typed $sections['INPUTS'])
        Outputs     = @(& $typed $sections['OUTPUTS'])
        Notes       = if ($sections.Contains('NOTES')) { ConvertTo-Paragraph $sections['NOTES'] } else { @() }
        Links       = if ($sections.Contains('RELATED LINKS')) {
            @($sections['RELATED LINKS'] | Where-Object { $_ -match '^\s*[-*]?\s*\[(.+?)\]\((.*?)\)' } |
                ForEach-Object { [pscustomobject]@{ Text = $Matches[1]; Uri = $Matches[2] } })
        } else { @() }
    }
}

function Write-Para($Writer, [string[]] $Paragraphs) {
    foreach ($paragraph in $Paragraphs) { $Writer.WriteElementString('para', $Namespaces.maml, $paragraph) }
}

function Write-Description($Writer, [string[]] $Paragraphs) {
    $Writer.WriteStartElement('maml', 'description', $Namespaces.maml)
    Write-Para $Writer $Paragraphs
    $Writer.WriteEndElement()
}

function Get-PipelineInputText($Attribute) {
    $kinds = @(if ($Attribute.ValueFromPipeline) { 'ByValue' }; if ($Attribute.ValueFromPipelineByPropertyName) { 'ByPropertyName' })
    if ($kinds.Count -eq 0) { return 'False' }
    return "True ($($kinds -join ', '))"
}

# -WhatIf and -Confirm mean the same on every cmdlet; their help text is PowerShell's, unless a page says more.
$script:StandardDescriptions = @{
    WhatIf  = @('Shows what would happen if the cmdlet runs. The cmdlet is not run.')
    Confirm = @('Prompts you for confirmation before running the cmdlet.')
}

function Get-ParameterDescription($Doc, [string] $Name) {
    if ($Doc.Parameters.Contains($Name)) { return $Doc.Parameters[$Name] }
    return $StandardDescriptions[$Name]
}

function Get-DefaultValueText($Defaults, $Parameter) {
    <# The value a fresh cmdlet object holds before binding: what the parameter is when it is not given. #>
    $mandatory = @($Parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] -and $_.Mandatory })
    if ($null -eq $Defaults -or $Parameter.ParameterType -eq [switch] -or $mandatory.Count -gt 0) { return 'None' }
    $value = $Defaults.($Parameter.Name)
    if ($null -eq $value -or "$value" -eq '') { return 'None' }
    return [string]::Join(', ', @($value | ForEach-Object { [System.Convert]::ToString($_, [cultureinfo]::InvariantCulture) }))
}

function Get-HelpType([type] $Type) {
    <# What a reader should see for a parameter's type: DateTime for [Nullable[DateTime]] (an optional value), never Nullable`1. #>
    $underlying = [Nullable]::GetUnderlyingType($Type)
    if ($underlying) { return $underlying }
    return $Type
}

function Write-ParameterMaml($Writer, $Parameter, $Attribute, [string[]] $Description, [string] $DefaultValue = 'None') {
    $isSwitch = $Parameter.ParameterType -eq [switch]
    $aliases = if ($Parameter.Aliases.Count) { $Parameter.Aliases -join ', ' } else { 'none' }
    $position = if ($Attribute.Position -ge 0) { "$($Attribute.Position)" } else { 'named' }
    $Writer.WriteStartElement('command', 'parameter', $Namespaces.command)
    # A syntax item passes CommandParameterInfo (IsMandatory), the parameter list a ParameterAttribute (Mandatory).
    $mandatory = if ($Attribute.PSObject.Properties['IsMandatory']) { $Attribute.IsMandatory } else { $Attribute.Mandatory }
    $Writer.WriteAttributeString('required', "$mandatory".ToLowerInvariant())
    $Writer.WriteAttributeString('variableLength', 'true')
    $globbing = @($Parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] }).Count -gt 0
    $Writer.WriteAttributeString('globbing', "$globbing".ToLowerInvariant())
    $Writer.WriteAttributeString('pipelineInput', (Get-PipelineInputText $Attribute))
    $Writer.WriteAttributeString('position', $position)
    $Writer.WriteAttributeString('aliases', $aliases)
    $Writer.WriteElementString('name', $Namespaces.maml, $Parameter.Name)
    Write-Description $Writer $Description
    if (-not $isSwitch) {
        $Writer.WriteStartElement('command', 'parameterValue', $Namespaces.command)
        $Writer.WriteAttributeString('required', 'true')
        $Writer.WriteAttributeString('variableLength', 'false')
        $Writer.WriteString((Get-HelpType $Parameter.ParameterType).Name)
        $Writer.WriteEndElement()
    }
    $Writer.WriteStartElement('dev', 'type', $Namespaces.dev)
    $Writer.WriteElementString('name', $Namespaces.maml, (Get-HelpType $Parameter.ParameterType).FullName)
    $Writer.WriteEndElement()
    $Writer.WriteElementString('defaultValue', $Namespaces.dev, $DefaultValue)
    $Writer.WriteEndElement()
}

function Write-TypeList($Writer, [string] $ListName, [string] $ItemName, $Items) {
    $Writer.WriteStartElement('command', $ListName, $Namespaces.command)
    foreach ($item in $Items) {
        $Writer.WriteStartElement('command', $ItemName, $Namespaces.command)
        $Writer.WriteStartElement('dev', 'type', $Namespaces.dev)
        $Writer.WriteElementString('name', $Namespaces.maml, $item.Type)
        $Writer.WriteEndElement()
        Write-Description $Writer $item.Description
        $Writer.WriteEndElement()
    }
    $Writer.WriteEndElement()
}

function Write-CommandMaml {
    <# One <command:command> element: the markdown's prose with the cmdlet's real parameter metadata. #>
    param($Writer, $Command, $Doc, [string[]] $CommonParameters)

    $documented = $Command.Parameters.Values | Where-Object { $_.Name -notin $CommonParameters }
    foreach ($parameter in $documented) {
        if ($null -eq (Get-ParameterDescription $Doc $parameter.Name)) {
            throw "docs/commands/$($Command.Name).md does not describe -$($parameter.Name)."
        }
    }
    # Binary cmdlets have a public parameterless constructor; a fresh object shows each parameter's default.
    $defaults = try { [System.Activator]::CreateInstance($Command.ImplementingType) } catch { $null }

    $Writer.WriteStartElement('command', 'command', $Namespaces.command)
    $Writer.WriteAttributeString('xmlns', 'maml', $null, $Namespaces.maml)
    $Writer.WriteAttributeString('xmlns', 'dev', $null, $Namespaces.dev)
    $Writer.WriteStartElement('command', 'details', $Namespaces.command)
    $Writer.WriteElementString('name', $Namespaces.command, $Command.Name)
    $Writer.WriteElementString('verb', $Namespaces.command, $Command.Verb)
    $Writer.WriteElementString('noun', $Namespaces.command, $Command.Noun)
    Write-Description $Writer @($Doc.Synopsis)
    $Writer.WriteEndElement()
    Write-Description $Writer $Doc.Description

    $Writer.WriteStartElement('command', 'syntax', $Namespaces.command)
    foreach ($set in $Command.ParameterSets) {
        $Writer.WriteStartElement('command', 'syntaxItem', $Namespaces.command)
        $Writer.WriteElementString('name', $Namespaces.maml, $Command.Name)
        foreach ($parameter in $set.Parameters | Where-Object { $_.Name -notin $CommonParameters }) {
            # $parameter is a CommandParameterInfo (IsMandatory, not Mandatory): take the set's ParameterAttribute instead.
            $full = $Command.Parameters[$parameter.Name]
            $attribute = $full.Attributes | Where-Object {
                $_ -is [System.Management.Automation.ParameterAttribute] -and $_.ParameterSetName -in $set.Name, '__AllParameterSets'
            } | Select-Object -First 1
            Write-ParameterMaml $Writer $full $attribute (Get-ParameterDescription $Doc $parameter.Name) (Get-DefaultValueText $defaults $full)
        }
        $Writer.WriteEndElement()
    }
    $Writer.WriteEndElement()

    $Writer.WriteStartElement('command', 'parameters', $Namespaces.command)
    foreach ($parameter in $documented) {
        $attribute = $parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] } | Select-Object -First 1
        Write-ParameterMaml $Writer $parameter $attribute (Get-ParameterDescription $Doc $parameter.Name) (Get-DefaultValueText $defaults $parameter)
    }
    $Writer.WriteEndElement()

    if ($defaults -is [System.IDisposable]) { $defaults.Dispose() }

    Write-TypeList $Writer 'inputTypes' 'inputType' $Doc.Inputs
    Write-TypeList $Writer 'returnValues' 'returnValue' $Doc.Outputs

    $Writer.WriteStartElement('maml', 'alertSet', $Namespaces.maml)
    $Writer.WriteStartElement('maml', 'alert', $Namespaces.maml)
    Write-Para $Writer $Doc.Notes
    $Writer.WriteEndElement()
    $Writer.WriteEndElement()

    $Writer.WriteStartElement('command', 'examples', $Namespaces.command)
    foreach ($example in $Doc.Examples) {
        $Writer.WriteStartElement('command', 'example', $Namespaces.command)
        $Writer.WriteElementString('title', $Namespaces.maml, "-------------------------- $($example.Title) --------------------------")
        $Writer.WriteElementString('code', $Namespaces.dev, $example.Code)
        $Writer.WriteStartElement('dev', 'remarks', $Namespaces.dev)
        Write-Para $Writer $example.Remarks
        $Writer.WriteEndElement()
        $Writer.WriteEndElement()
    }
    $Writer.WriteEndElement()

    $Writer.WriteStartElement('command', 'relatedLinks', $Namespaces.command)
    foreach ($link in $Doc.Links) {
        $Writer.WriteStartElement('maml', 'navigationLink', $Namespaces.maml)
        $Writer.WriteElementString('linkText', $Namespaces.maml, $link.Text)
        # The markdown's relative .md paths mean nothing to Get-Help (-Online would try to open them): web addresses only.
        $Writer.WriteElementString('uri', $Namespaces.maml, $(if ($link.Uri -match '^https?://') { $link.Uri } else { '' }))
        $Writer.WriteEndElement()
    }
    $Writer.WriteEndElement()
    $Writer.WriteEndElement()
}

function ConvertTo-AboutHelpText {
    <# An about_ topic as PowerShell shows it: the markdown's text with headings in capitals. #>
    param([Parameter(Mandatory)] [string] $Path)
    $output = foreach ($line in Get-Content -Path $Path) {
        if ($line -match '^```') { continue }
        if ($line -match '^#\s+(about_\S+)') { 'TOPIC'; "    $($Matches[1])" }
        elseif ($line -match '^#+\s+(.*)$') { $Matches[1].ToUpperInvariant() }
        else { $line }
    }
    return ($output -join [Environment]::NewLine)
}

Export-ModuleMember -Function Read-CommandMarkdown, Write-CommandMaml, ConvertTo-AboutHelpText
