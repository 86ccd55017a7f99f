using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Management.Automation.Host;
using OrderMonitoring.Cmdlets.Foundation;

namespace OrderMonitoring.Cmdlets.Binding;

/// <summary>
/// ShouldProcess and ShouldContinue for the module's cmdlets. A prompt that the session cannot show (pwsh
/// -NonInteractive, a host without a UI) becomes the module's own error that says how to run without one, instead of
/// the host's "Read and Prompt functionality is not available".
/// </summary>
internal static class Confirmation
{
    public const string NotPossibleErrorId = "ConfirmationNotPossible";

    /// <summary><see cref="Cmdlet.ShouldProcess(string, string, string, out ShouldProcessReason)"/>, failing clearly where it cannot prompt.</summary>
    public static bool ShouldProcess(PSCmdlet cmdlet, string target, string action, out ShouldProcessReason reason)
    {
        try
        {
            return cmdlet.ShouldProcess($"Performing the operation \"{action}\" on target \"{target}\".",
                $"Are you sure you want to perform this action?\n{action} on target \"{target}\".", "Confirm", out reason);
        }
        catch (Exception error) when (CannotPrompt(error))
        {
            throw NotPossible(cmdlet, action, target, error);
        }
    }

    /// <summary>
    /// A question of its own (<see cref="Cmdlet.ShouldContinue(string, string)"/>), which a "Yes to All" given to an
    /// earlier ShouldProcess prompt does not answer. Each call asks again.
    /// </summary>
    public static bool ShouldContinue(PSCmdlet cmdlet, string target, string question, string caption)
    {
        try
        {
            return cmdlet.ShouldContinue(question, caption);
        }
        catch (Exception error) when (CannotPrompt(error))
        {
            throw NotPossible(cmdlet, question, target, error);
        }
    }

    /// <summary>
    /// The question before deleting data that cannot be brought back (the order table, a bucket's every version): a
    /// Yes/No of its own whose default is No, so Enter keeps the data. ShouldContinue cannot do this: its default is Yes,
    /// and its overload that defaults to No adds "Yes to All". Where no prompt can be shown, the error names
    /// <paramref name="recommendedAction"/> (how to name the data in advance) instead of -Force.
    /// </summary>
    public static bool ConfirmDataDeletion(PSCmdlet cmdlet, string target, string question, string caption, string recommendedAction) =>
        ConfirmIrreversible(cmdlet, target, question, caption, $"Delete {target}; this cannot be undone.", $"Keep {target} (the default).", recommendedAction);

    /// <summary>
    /// A Yes/No question of its own before a step that cannot be undone, whose default is No (Enter declines);
    /// <paramref name="yes"/> and <paramref name="no"/> are the help texts of the two answers.
    /// </summary>
    public static bool ConfirmIrreversible(PSCmdlet cmdlet, string target, string question, string caption, string yes, string no, string recommendedAction)
    {
        var choices = new Collection<ChoiceDescription> { new("&Yes", yes), new("&No", no) };
        try
        {
            var ui = cmdlet.Host?.UI ?? throw new PSNotImplementedException("the host has no user interface");
            return ui.PromptForChoice(caption, question, choices, defaultChoice: 1) == 0;
        }
        catch (Exception error) when (CannotPrompt(error))
        {
            throw NotPossible(cmdlet, question, target, error, recommendedAction);
        }
    }

    private static bool CannotPrompt(Exception error) =>
        error is PSInvalidOperationException or HostException or PSNotImplementedException or NotImplementedException;

    private static OrderMonitoringException NotPossible(PSCmdlet cmdlet, string action, string target, Exception error,
        string recommendedAction = "Pass -Force or -Confirm:$false to run it without asking (or -WhatIf to see what it would do).") =>
        new(NotPossibleErrorId, FailureKind.InvalidOperation,
            $"{cmdlet.MyInvocation.MyCommand.Name} needs a confirmation to \"{action}\" on \"{target}\", but this session cannot show a prompt ({error.Message}).",
            recommendedAction, error);
}
