using System.Management.Automation;
using OrderMonitoring.Cmdlets.Binding;
using OrderMonitoring.Cmdlets.Stacks;

namespace OrderMonitoring.Cmdlets.Commands;

/// <summary>
/// Writes the public keys of a stack's signing keys (digest and repair) as PEM files, so an auditor verifies the trail
/// (Test-OrderAuditLog -PublicKeyPath) without any KMS permission.
/// </summary>
[Cmdlet(VerbsData.Export, "OrderAuditSigningKey", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(AuditSigningKey))]
public sealed class ExportOrderAuditSigningKeyCommand : EnvironmentCmdlet
{
    /// <summary>An existing folder (a file per key: &lt;stack&gt;-digest-key.pem, &lt;stack&gt;-repair-key.pem) or, with one -Role, a file.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    /// <summary>Which keys: Digest (signs the processor's digests), Repair (signs repair records). Default: both.</summary>
    [Parameter]
    [ValidateSet(SigningKeyRoles.Digest, SigningKeyRoles.Repair)]
    public string[] Role { get; set; } = { SigningKeyRoles.Digest, SigningKeyRoles.Repair };

    /// <summary>Overwrite files that exist.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord() => Guard(() =>
    {
        var path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
        using var services = new StackServices(ClientFactory);
        var stack = RunAsync((_, token) => services.Reader.GetAsync(ResolvedStackName, token)) ?? throw StackNotFound.Error(ResolvedStackName, services.Region);
        var roles = Role.Select(role => role.Equals(SigningKeyRoles.Digest, StringComparison.OrdinalIgnoreCase) ? SigningKeyRoles.Digest : SigningKeyRoles.Repair)
            .Distinct(StringComparer.Ordinal).ToList();
        var export = new SigningKeyExport(services.SigningKeys);
        foreach (var target in SigningKeyExport.Targets(stack, roles, path, Directory.Exists(path)))
        {
            // One key that cannot be exported (denied, symmetric) is that key's error; the other is still written.
            try
            {
                var key = RunAsync((_, token) => export.ReadAsync(target, token));
                if (ShouldProcess(target.Path, $"Write the public key of the {target.Role.ToLowerInvariant()} signing key {target.KeyArn} as PEM"))
                {
                    WriteObject(SigningKeyExport.Write(stack.StackName, target, key, Force));
                }
            }
            catch (Exception error) when (error is Foundation.OrderMonitoringException or IOException or UnauthorizedAccessException)
            {
                WriteFailure(error, target.KeyArn);
            }
        }
    });
}
