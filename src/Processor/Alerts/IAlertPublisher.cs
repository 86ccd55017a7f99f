namespace OrderMonitoring.Processor.Alerts;

/// <summary>Where alerts go (SNS in production, a fake in tests). Throws when the alert was not accepted.</summary>
public interface IAlertPublisher
{
    Task PublishAsync(Alert alert, CancellationToken cancellationToken);
}
