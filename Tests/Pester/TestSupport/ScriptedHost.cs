using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Security;

namespace OrderMonitoringTests
{
    /// <summary>One prompt the host was shown, and the label of the choice it answered.</summary>
    public sealed class ShownPrompt
    {
        public string Caption { get; set; } = "";
        /// <summary>The choice Enter picks (null when the prompt names none).</summary>
        public string Default { get; set; }
        public string Message { get; set; } = "";
        public string[] Choices { get; set; } = new string[0];
        public string Answer { get; set; } = "";
    }

    /// <summary>
    /// A host UI that answers every choice prompt itself, like a person typing: a prompt offering "Yes to All" (the
    /// ShouldProcess prompt) gets <see cref="AnswerWithAll"/>, any other (ShouldContinue's Yes/No) gets <see cref="OtherAnswer"/>.
    /// </summary>
    public sealed class ScriptedHostUI : PSHostUserInterface
    {
        public string AnswerWithAll { get; set; } = "Yes to &All";
        public string OtherAnswer { get; set; } = "&No";
        public List<ShownPrompt> Prompts { get; } = new List<ShownPrompt>();
        public List<string> Lines { get; } = new List<string>();

        public override int PromptForChoice(string caption, string message, Collection<ChoiceDescription> choices, int defaultChoice)
        {
            var labels = new List<string>();
            foreach (var choice in choices) { labels.Add(choice.Label); }
            var wanted = labels.Contains(AnswerWithAll) ? AnswerWithAll : OtherAnswer;
            var index = labels.IndexOf(wanted);
            if (index < 0) { throw new InvalidOperationException("No choice '" + wanted + "' among " + string.Join(", ", labels)); }
            Prompts.Add(new ShownPrompt { Caption = caption, Message = message, Choices = labels.ToArray(), Answer = wanted,
                Default = defaultChoice >= 0 && defaultChoice < labels.Count ? labels[defaultChoice] : null });
            return index;
        }

        public override PSHostRawUserInterface RawUI => null;
        public override string ReadLine() => throw new NotSupportedException("ReadLine");
        public override SecureString ReadLineAsSecureString() => throw new NotSupportedException("ReadLineAsSecureString");
        public override Dictionary<string, PSObject> Prompt(string caption, string message, Collection<FieldDescription> descriptions) =>
            throw new NotSupportedException("Prompt");
        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) =>
            throw new NotSupportedException("PromptForCredential");
        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName,
            PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options) => throw new NotSupportedException("PromptForCredential");
        public override void Write(string value) => Lines.Add(value);
        public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) => Lines.Add(value);
        public override void WriteLine(string value) => Lines.Add(value);
        public override void WriteErrorLine(string value) => Lines.Add("ERROR: " + value);
        public override void WriteDebugLine(string message) => Lines.Add("DEBUG: " + message);
        public override void WriteProgress(long sourceId, ProgressRecord record) { }
        public override void WriteVerboseLine(string message) => Lines.Add("VERBOSE: " + message);
        public override void WriteWarningLine(string message) => Lines.Add("WARNING: " + message);
    }

    /// <summary>The smallest host around <see cref="ScriptedHostUI"/>.</summary>
    public sealed class ScriptedHost : PSHost
    {
        private readonly ScriptedHostUI _ui;
        private readonly Guid _id = Guid.NewGuid();

        public ScriptedHost(ScriptedHostUI ui) { _ui = ui; }

        public override string Name => "OrderMonitoringScriptedHost";
        public override Version Version => new Version(1, 0);
        public override Guid InstanceId => _id;
        public override PSHostUserInterface UI => _ui;
        public override CultureInfo CurrentCulture => CultureInfo.InvariantCulture;
        public override CultureInfo CurrentUICulture => CultureInfo.InvariantCulture;
        public override void SetShouldExit(int exitCode) { }
        public override void EnterNestedPrompt() => throw new NotSupportedException("EnterNestedPrompt");
        public override void ExitNestedPrompt() => throw new NotSupportedException("ExitNestedPrompt");
        public override void NotifyBeginApplication() { }
        public override void NotifyEndApplication() { }
    }
}
