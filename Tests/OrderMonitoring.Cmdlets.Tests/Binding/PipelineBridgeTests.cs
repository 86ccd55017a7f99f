using System.Management.Automation;
using System.Management.Automation.Runspaces;
using OrderMonitoring.Cmdlets.Binding;
using OrderMonitoring.Cmdlets.Foundation;

namespace OrderMonitoring.Cmdlets.Tests.Binding;

/// <summary>A cmdlet that exercises the bridge the way real cmdlets do, without AWS.</summary>
[Cmdlet(VerbsDiagnostic.Test, "Bridge", SupportsShouldProcess = true)]
public sealed class TestBridgeCommand : OrderMonitoringCmdlet
{
    [Parameter(Mandatory = true)]
    public string Mode { get; set; } = "";

    protected override void BeginProcessing()
    {
        // No connection: the bridge is under test, not AWS.
    }

    protected override void ProcessRecord() => Guard(() =>
    {
        switch (Mode)
        {
            case "write":
                WriteObject(RunAsync(WriteFromThreadPoolAsync));
                break;
            case "fail":
                RunAsync((_, _) => Task.FromException(new OrderMonitoringException("Broken", FailureKind.InvalidState, "it broke", "mend it")));
                break;
            case "wait":
                RunAsync(async (reporter, token) =>
                {
                    reporter.Output("started");
                    await Task.Delay(Timeout.Infinite, token).ConfigureAwait(false);
                });
                break;
            case "ask":
                // Two steps asked from the thread pool; ShouldProcess answers on the pipeline thread; only confirmed steps run.
                WriteObject(RunAsync((target, action) => ShouldProcess(target, action), async (reporter, confirm, token) =>
                {
                    var done = new List<string>();
                    foreach (var step in new[] { "first", "second" })
                    {
                        if (await confirm(step, "Do").ConfigureAwait(false))
                        {
                            done.Add(step);
                        }
                    }

                    reporter.Failure(new OrderMonitoringException("OneItemFailed", FailureKind.OperationFailed, "one item failed"), "third");
                    return done.Count;
                }));
                break;
            default:
                throw new ArgumentException("unknown mode");
        }
    });

    private static async Task<int> WriteFromThreadPoolAsync(IOperationReporter reporter, CancellationToken token)
    {
        await Task.Yield();
        reporter.Output(1);
        reporter.Verbose("halfway");
        await Task.Delay(1, token).ConfigureAwait(false);
        reporter.Progress(new OperationProgress(1, "Testing", "2 of 3", 66, "latest"));
        reporter.Warning("careful");
        reporter.Output(2);
        return 3;
    }
}

public sealed class PipelineBridgeTests
{
    [Fact]
    public void Writes_from_the_thread_pool_reach_the_pipeline_in_order()
    {
        using var shell = CreateShell();
        shell.AddCommand("Test-Bridge").AddParameter("Mode", "write").AddParameter("Verbose");

        var output = shell.Invoke();

        Assert.Equal(new object[] { 1, 2, 3 }, output.Select(item => item.BaseObject));
        Assert.Equal("halfway", Assert.Single(shell.Streams.Verbose).Message);
        Assert.Equal("careful", Assert.Single(shell.Streams.Warning).Message);
        var progress = Assert.Single(shell.Streams.Progress);
        Assert.Equal(66, progress.PercentComplete);
        Assert.Equal("latest", progress.CurrentOperation);
        Assert.Empty(shell.Streams.Error);
    }

    [Theory]
    [InlineData(true, 0)]
    [InlineData(false, 2)]
    public void A_confirmation_asked_from_the_work_is_answered_on_the_pipeline_thread(bool whatIf, int stepsDone)
    {
        using var shell = CreateShell();
        shell.AddCommand("Test-Bridge").AddParameter("Mode", "ask").AddParameter("WhatIf", whatIf);

        var output = shell.Invoke();

        Assert.Equal(stepsDone, Assert.Single(output).BaseObject);
        var error = Assert.Single(shell.Streams.Error);
        Assert.StartsWith("OneItemFailed,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Equal("third", error.TargetObject);
    }

    [Fact]
    public void A_failure_in_the_work_becomes_the_factory_error_record()
    {
        using var shell = CreateShell();
        shell.AddCommand("Test-Bridge").AddParameter("Mode", "fail");

        var error = Assert.Throws<CmdletInvocationException>(() => shell.Invoke());

        Assert.StartsWith("Broken,", error.ErrorRecord.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Equal(ErrorCategory.ResourceUnavailable, error.ErrorRecord.CategoryInfo.Category);
        Assert.Equal("mend it", error.ErrorRecord.ErrorDetails.RecommendedAction);
    }

    [Fact]
    public async Task Stopping_the_pipeline_cancels_the_work()
    {
        using var shell = CreateShell();
        shell.AddCommand("Test-Bridge").AddParameter("Mode", "wait");
        var output = new PSDataCollection<PSObject>();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        output.DataAdded += (_, _) => started.TrySetResult();

        var invocation = shell.BeginInvoke<PSObject, PSObject>(null, output);
        await started.Task;
        await Task.Factory.FromAsync(shell.BeginStop(null, null), shell.EndStop);

        Assert.Throws<PipelineStoppedException>(() => shell.EndInvoke(invocation));
        Assert.Equal("started", Assert.Single(output).BaseObject);
    }

    private static PowerShell CreateShell()
    {
        var state = InitialSessionState.CreateDefault2();
        state.Commands.Add(new SessionStateCmdletEntry("Test-Bridge", typeof(TestBridgeCommand), null));
        return PowerShell.Create(state);
    }
}
