using System.Collections.ObjectModel;
using System.Management.Automation;
using OrderMonitoring.Cmdlets.Foundation;

namespace OrderMonitoring.Cmdlets.Binding;

/// <summary>Turns -Path patterns into event files: wildcards resolved by the provider, folders and missing paths refused one by one.</summary>
internal static class EventFilePaths
{
    /// <summary>The files <paramref name="pattern"/> names; each path that is no file is handed to <paramref name="fail"/> instead.</summary>
    public static IEnumerable<string> Resolve(PSCmdlet cmdlet, string pattern, Action<Exception, object?> fail)
    {
        Collection<string> files;
        try
        {
            files = cmdlet.GetResolvedProviderPathFromPSPath(pattern, out _);
        }
        catch (Exception ex) when (ex is ItemNotFoundException or System.Management.Automation.DriveNotFoundException or ProviderNotFoundException)
        {
            fail(new OrderMonitoringException("EventFileUnreadable", FailureKind.NotFound, ex.Message + " Nothing was processed.",
                "Check the path.", ex), pattern);
            return Array.Empty<string>();
        }

        var directories = files.Where(Directory.Exists).ToList();
        foreach (var directory in directories)
        {
            fail(new OrderMonitoringException("EventFileUnreadable", FailureKind.InvalidArgument, $"'{directory}' is a folder, not an event file.",
                "Pass files, e.g. -Path ./events/*.json."), directory);
        }

        return files.Except(directories);
    }
}
