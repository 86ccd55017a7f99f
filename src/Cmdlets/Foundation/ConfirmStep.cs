namespace OrderMonitoring.Cmdlets.Foundation;

/// <summary>
/// Asks whoever runs a service whether to go ahead with one step that changes something: a cmdlet answers with
/// ShouldProcess on its pipeline thread (so -WhatIf and -Confirm work), a test with a fake.
/// </summary>
/// <param name="target">What the step acts on, e.g. the S3 object.</param>
/// <param name="action">What the step does, for the prompt and -WhatIf.</param>
public delegate Task<bool> ConfirmStep(string target, string action);
