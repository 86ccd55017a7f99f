using System.Management.Automation;
using OrderMonitoring.Cmdlets.Binding;
using OrderMonitoring.Cmdlets.Foundation;
using OrderMonitoring.Cmdlets.Stacks;
using OrderMonitoring.Cmdlets.Status;

namespace OrderMonitoring.Cmdlets.Commands;

/// <summary>The health check of one environment: alarms, failure-queue depth and processor metrics, with a verdict.</summary>
[Cmdlet(VerbsCommon.Get, "OrderMonitoringStatus")]
[OutputType(typeof(MonitoringStatus), typeof(bool))]
public sealed class GetOrderMonitoringStatusCommand : EnvironmentCmdlet
{
    /// <summary>Start of the metrics window (default one hour ago).</summary>
    [Parameter]
    public DateTime? Since { get; set; }

    /// <summary>Return only $true (healthy) or $false (also when the stack does not exist), for if-statements in runbooks and pipelines.</summary>
    [Parameter]
    public SwitchParameter Quiet { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord() => Guard(() =>
    {
        var until = Time.GetUtcNow().UtcDateTime;
        var since = Since?.ToUniversalTime() ?? until.AddHours(-1);
        if (since >= until)
        {
            throw new OrderMonitoringException("InvalidSince", FailureKind.InvalidArgument, $"-Since {since:u} is not in the past.",
                "Pass a time in the past, for example -Since (Get-Date).AddHours(-6).");
        }

        using var stacks = new StackServices(ClientFactory);
        using var status = new StatusServices(stacks);
        var checker = status.HealthChecker();
        MonitoringStatus health;
        try
        {
            health = RunAsync((reporter, token) => checker.CheckAsync(ResolvedStackName, since, until, reporter, token));
        }
        catch (OrderMonitoringException missing) when (Quiet && missing.ErrorId == StackNotFound.ErrorId)
        {
            // A runbook's `if (-not (Get-OrderMonitoringStatus -Quiet))` must get a verdict: no stack is not healthy.
            WriteWarning(missing.Message);
            WriteObject(false);
            return;
        }

        WriteObject(Quiet ? health.Healthy : health);
    });
}
