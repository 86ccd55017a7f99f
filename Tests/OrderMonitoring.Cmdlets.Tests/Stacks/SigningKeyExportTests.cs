using System.Security.Cryptography;
using OrderMonitoring.Cmdlets.Foundation;
using OrderMonitoring.Cmdlets.Stacks;
using OrderMonitoring.Processor.Digests;

namespace OrderMonitoring.Cmdlets.Tests.Stacks;

/// <summary>Export-OrderAuditSigningKey's core: which keys go to which files, what is refused, what a file holds.</summary>
public sealed class SigningKeyExportTests : IDisposable
{
    private const string DigestKey = "arn:aws:kms:us-east-1:123456789012:key/digest";
    private const string RepairKey = "arn:aws:kms:us-east-1:999999999999:key/repair";

    private readonly string _folder = Directory.CreateTempSubdirectory("key-export-").FullName;
    private readonly FakeSigningKeys _keys = new();
    private readonly ECDsa _digest = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    private static readonly Stack StackWithKeys = new() { StackName = "order-monitoring-prod", DigestSigningKeyArn = DigestKey, RepairSigningKeyArn = RepairKey };

    public void Dispose()
    {
        _digest.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public void A_folder_gets_a_file_per_role_named_for_the_stack()
    {
        var targets = SigningKeyExport.Targets(StackWithKeys, [SigningKeyRoles.Digest, SigningKeyRoles.Repair], _folder, pathIsFolder: true);

        Assert.Equal(
            [
                new SigningKeyTarget("Digest", DigestKey, Path.Combine(_folder, "order-monitoring-prod-digest-key.pem")),
                new SigningKeyTarget("Repair", RepairKey, Path.Combine(_folder, "order-monitoring-prod-repair-key.pem")),
            ],
            targets);
    }

    [Fact]
    public void A_file_path_takes_one_role_only()
    {
        var file = Path.Combine(_folder, "digest.pem");

        Assert.Equal(file, Assert.Single(SigningKeyExport.Targets(StackWithKeys, [SigningKeyRoles.Digest], file, pathIsFolder: false)).Path);
        var error = Assert.Throws<OrderMonitoringException>(() => SigningKeyExport.Targets(StackWithKeys, [SigningKeyRoles.Digest, SigningKeyRoles.Repair], file, pathIsFolder: false));
        Assert.Equal(("SigningKeyPathNeedsFolder", FailureKind.InvalidArgument), (error.ErrorId, error.Kind));
    }

    [Fact]
    public void A_stack_from_before_signed_repairs_names_no_repair_key()
    {
        var error = Assert.Throws<OrderMonitoringException>(() =>
            SigningKeyExport.Targets(new Stack { StackName = "old", DigestSigningKeyArn = DigestKey }, [SigningKeyRoles.Repair], _folder, pathIsFolder: true));

        Assert.Equal(("SigningKeyNotInStack", FailureKind.NotFound), (error.ErrorId, error.Kind));
    }

    [Fact]
    public async Task The_written_file_holds_the_KMS_public_key_as_PEM_and_its_fingerprint()
    {
        var der = _digest.ExportSubjectPublicKeyInfo();
        _keys.Add(DigestKey, publicKey: der);
        var target = new SigningKeyTarget(SigningKeyRoles.Digest, DigestKey, Path.Combine(_folder, "d.pem"));

        var key = await new SigningKeyExport(_keys).ReadAsync(target, CancellationToken.None);
        var written = SigningKeyExport.Write("order-monitoring-prod", target, key, force: false);

        Assert.Equal(der, PublicKeyPem.Read(File.ReadAllText(target.Path)));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(der)), written.Fingerprint);
        Assert.Equal(("Digest", DigestKey, "ECC_NIST_P256", target.Path), (written.Role, written.KeyArn, written.KeySpec, written.Path));
        Assert.DoesNotContain((byte)'\r', File.ReadAllBytes(target.Path));
        Assert.NotEqual(0xEF, File.ReadAllBytes(target.Path)[0]); // no byte-order mark: OpenSSL reads it as is
    }

    [Fact]
    public async Task An_existing_file_is_overwritten_only_with_force()
    {
        _keys.Add(DigestKey, publicKey: _digest.ExportSubjectPublicKeyInfo());
        var target = new SigningKeyTarget(SigningKeyRoles.Digest, DigestKey, Path.Combine(_folder, "d.pem"));
        File.WriteAllText(target.Path, "keep me");
        var key = await new SigningKeyExport(_keys).ReadAsync(target, CancellationToken.None);

        var error = Assert.Throws<OrderMonitoringException>(() => SigningKeyExport.Write("s", target, key, force: false));

        Assert.Equal("SigningKeyFileExists", error.ErrorId);
        Assert.Equal("keep me", File.ReadAllText(target.Path));
        SigningKeyExport.Write("s", target, key, force: true);
        Assert.StartsWith("-----BEGIN PUBLIC KEY-----", File.ReadAllText(target.Path), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", "Enabled", "SYMMETRIC_DEFAULT key for ENCRYPT_DECRYPT")]
    [InlineData("RSA_2048", "SIGN_VERIFY", "Enabled", "RSA_2048 key for SIGN_VERIFY")]
    [InlineData("ECC_NIST_P256", "SIGN_VERIFY", "PendingDeletion", "is PendingDeletion")]
    public async Task A_key_that_is_no_usable_P256_signing_key_is_refused_and_nothing_is_written(string spec, string usage, string state, string why)
    {
        _keys.Add(RepairKey, spec, usage, state, publicKey: [1, 2, 3]);
        var target = new SigningKeyTarget(SigningKeyRoles.Repair, RepairKey, Path.Combine(_folder, "r.pem"));

        var error = await Assert.ThrowsAsync<OrderMonitoringException>(() => new SigningKeyExport(_keys).ReadAsync(target, CancellationToken.None));

        Assert.StartsWith("SigningKey", error.ErrorId, StringComparison.Ordinal);
        Assert.Contains(why, error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(target.Path));
    }

    [Fact]
    public async Task Bytes_that_are_no_P256_key_are_refused_even_when_KMS_calls_it_one()
    {
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        _keys.Add(DigestKey, publicKey: other.ExportSubjectPublicKeyInfo());

        var error = await Assert.ThrowsAsync<OrderMonitoringException>(() =>
            new SigningKeyExport(_keys).ReadAsync(new SigningKeyTarget(SigningKeyRoles.Digest, DigestKey, Path.Combine(_folder, "x.pem")), CancellationToken.None));

        Assert.Equal("SigningKeyUnsuitable", error.ErrorId);
        Assert.Contains("not a P-256", error.Message, StringComparison.Ordinal);
    }
}
