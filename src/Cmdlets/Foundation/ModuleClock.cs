namespace OrderMonitoring.Cmdlets.Foundation;

/// <summary>
/// The one place the module reads the system clock: cmdlets hand this to the services they build, and every service
/// takes a <see cref="TimeProvider"/> (so tests use one test clock and nothing reads the time behind their back).
/// </summary>
internal static class ModuleClock
{
    /// <summary>The system's clock.</summary>
    public static TimeProvider System { get; } = TimeProvider.System;
}
