using System.Security.Cryptography;
using System.Text;
using OrderMonitoring.Cmdlets.Foundation;
using OrderMonitoring.Processor.Digests;

namespace OrderMonitoring.Cmdlets.Stacks;

/// <summary>One public key to write: the role, the key, and the file it goes to.</summary>
internal sealed record SigningKeyTarget(string Role, string KeyArn, string Path);

/// <summary>
/// Export-OrderAuditSigningKey: the stack's digest and repair keys' public keys (kms:GetPublicKey), checked to be
/// P-256 signing keys, written as PEM files an auditor verifies with and no KMS permission.
/// </summary>
internal sealed class SigningKeyExport
{
    private readonly ISigningKeyStore _keys;

    public SigningKeyExport(ISigningKeyStore keys) => _keys = keys;

    /// <summary>The file name a role's key gets in a folder: the stack's name and the role, e.g. order-monitoring-prod-digest-key.pem.</summary>
    public static string FileName(string stackName, string role) => $"{stackName}-{role.ToLowerInvariant()}-key.pem";

    /// <summary>
    /// Where each requested role's key goes: <paramref name="path"/> itself when it is a file (then only one role may be
    /// asked for), else a file per role in that folder. A role whose key the stack does not name is an error.
    /// </summary>
    public static IReadOnlyList<SigningKeyTarget> Targets(Stack stack, IReadOnlyList<string> roles, string path, bool pathIsFolder)
    {
        if (!pathIsFolder && roles.Count > 1)
        {
            throw new OrderMonitoringException("SigningKeyPathNeedsFolder", FailureKind.InvalidArgument,
                $"'{path}' is not a folder, and a file holds one key; {roles.Count} keys were asked for ({string.Join(", ", roles)}).",
                "Name an existing folder (a file per key is written there), or pass -Role Digest or -Role Repair with a file path.");
        }

        return roles.Select(role => new SigningKeyTarget(role, KeyOf(stack, role), pathIsFolder ? System.IO.Path.Combine(path, FileName(stack.StackName, role)) : path)).ToList();
    }

    /// <summary>
    /// The key's public key, refused unless it is an enabled P-256 signing key (judged by kms:DescribeKey first, as a
    /// deployment judges it: a symmetric key has no public key to ask for); does not write anything.
    /// </summary>
    public async Task<SigningPublicKey> ReadAsync(SigningKeyTarget target, CancellationToken cancellationToken)
    {
        var facts = await _keys.DescribeSigningKeyAsync(target.KeyArn, target.Role, cancellationToken).ConfigureAwait(false);
        var key = await _keys.GetPublicKeyAsync(target.KeyArn, target.Role, cancellationToken).ConfigureAwait(false) with { Arn = facts.Arn, KeySpec = facts.KeySpec, KeyUsage = facts.KeyUsage };

        try
        {
            // The verifier's own import: what cannot be imported here could not verify anything later.
            _ = new DigestVerifier(key.SubjectPublicKeyInfo);
        }
        catch (CryptographicException invalid)
        {
            throw SigningKeyErrors.Unsuitable(target.KeyArn, target.Role, "its public key is not a P-256 SubjectPublicKeyInfo", invalid);
        }

        return key;
    }

    /// <summary>Writes the PEM file (UTF-8, \n line ends); an existing file only with <paramref name="force"/>.</summary>
    public static AuditSigningKey Write(string stackName, SigningKeyTarget target, SigningPublicKey key, bool force)
    {
        if (File.Exists(target.Path) && !force)
        {
            throw new OrderMonitoringException("SigningKeyFileExists", FailureKind.InvalidState, $"The file '{target.Path}' exists; the {target.Role.ToLowerInvariant()} key was not written.",
                "Pass -Force to overwrite it, or name another path.");
        }

        File.WriteAllText(target.Path, PublicKeyPem.Write(key.SubjectPublicKeyInfo), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        return new AuditSigningKey
        {
            StackName = stackName,
            Role = target.Role,
            KeyArn = key.Arn,
            KeySpec = key.KeySpec,
            Path = target.Path,
            Fingerprint = PublicKeyPem.Fingerprint(key.SubjectPublicKeyInfo),
        };
    }

    private static string KeyOf(Stack stack, string role) =>
        (role == SigningKeyRoles.Digest ? stack.DigestSigningKeyArn : stack.RepairSigningKeyArn) is { Length: > 0 } arn
            ? arn
            : throw new OrderMonitoringException("SigningKeyNotInStack", FailureKind.NotFound,
                $"Stack {stack.StackName} names no {role.ToLowerInvariant()} signing key (it was deployed before {(role == SigningKeyRoles.Digest ? "digests" : "repair records")} were signed).",
                "Deploy it again with New-OrderMonitoringStack; the stack then creates its keys.");
}
