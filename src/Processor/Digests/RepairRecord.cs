using System.Globalization;
using System.Text.Json;
using OrderMonitoring.Aws;
using OrderMonitoring.Processor.Audit;

namespace OrderMonitoring.Processor.Digests;

/// <summary>
/// A signed record of one repair Repair-OrderAuditLog made: which finding (kind, key, the digest and hash that proved
/// it), what the repair did (copied the proven version back, restored the record from the stream, or wrote a
/// reconciliation record), what it wrote (key, version, SHA-256 of the bytes) and who did it (caller ARN from STS),
/// when. Signed with the stack's repair key, not the processor's digest key, so an auditor tells processor history
/// from operator repairs; a verifier accepts the written bytes as vouched for by this record. Stored under
/// <c>repairs/&lt;yyyy-MM-dd&gt;/&lt;repair id&gt;.json</c>; the repair id is derived from the finding, so repairing
/// the same finding again names the same key (a second repair writes nothing).
/// </summary>
public sealed record RepairRecord
{
    public const int CurrentSchemaVersion = 1;

    /// <summary>The prefix under which repair records live.</summary>
    public const string Prefix = "repairs/";

    /// <summary>The proven version was copied back over the key as a new current version (nothing deleted).</summary>
    public const string CopiedProvenVersion = "CopiedProvenVersion";

    /// <summary>
    /// No digest covers the key (history from before digests): a version was copied back as a new current version by the
    /// older rule (the newest surviving one under a delete marker, the first one under an overwrite), not proven by a hash.
    /// </summary>
    public const string CopiedUnprovenVersion = "CopiedUnprovenVersion";

    /// <summary>Every version of the key was gone; the record was read again from the stream and written anew.</summary>
    public const string RestoredFromStream = "RestoredFromStream";

    /// <summary>A reconciliation record of the item as it is now was written (the original is lost).</summary>
    public const string WroteReconciliationRecord = "WroteReconciliationRecord";

    /// <summary>
    /// Not a repair: a person decided that a gap in the seals (two seals further apart than the earlier one's NextSealBy)
    /// is explained (a schedule that did not run, not a deleted seal). Nothing is written but this record, which names
    /// the earlier seal (<see cref="DigestKey"/>, <see cref="DigestedSha256"/>) and the later one (<see cref="WrittenKey"/>,
    /// <see cref="WrittenSha256"/>); a verifier no longer reports that gap, and the record stays as evidence of who decided.
    /// </summary>
    public const string AcknowledgedSealGap = "AcknowledgedSealGap";

    private const string SigningStatementPrefix = "order-monitoring-repair-v1:";

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    public string Environment { get; init; } = string.Empty;

    /// <summary>The finding repaired (an <c>AuditFindingKind</c> name).</summary>
    public string Finding { get; init; } = string.Empty;

    /// <summary>The audit key the finding was about.</summary>
    public string Key { get; init; } = string.Empty;

    /// <summary>The digest that listed the key, when one did.</summary>
    public string? DigestKey { get; init; }

    /// <summary>The SHA-256 (hex) the digest gave for the key's bytes, when a digest listed it.</summary>
    public string? DigestedSha256 { get; init; }

    /// <summary>One of <see cref="CopiedProvenVersion"/>, <see cref="CopiedUnprovenVersion"/>, <see cref="RestoredFromStream"/>, <see cref="WroteReconciliationRecord"/>, <see cref="AcknowledgedSealGap"/>.</summary>
    public string Action { get; init; } = string.Empty;

    /// <summary>The version copied back (<see cref="CopiedProvenVersion"/>), the stream sequence number read again, or the span of an acknowledged seal gap.</summary>
    public string? Source { get; init; }

    /// <summary>The key the repair wrote (the finding's key for a copy; a reconciliation key otherwise).</summary>
    public string WrittenKey { get; init; } = string.Empty;

    /// <summary>The version S3 gave the written object (null when the bucket did not say).</summary>
    public string? WrittenVersionId { get; init; }

    /// <summary>The SHA-256 (hex) of the exact bytes written: what a verifier accepts for <see cref="WrittenKey"/>.</summary>
    public string WrittenSha256 { get; init; } = string.Empty;

    /// <summary>Who repaired (the caller's ARN from STS GetCallerIdentity).</summary>
    public string CallerArn { get; init; } = string.Empty;

    public DateTimeOffset RepairedAt { get; init; }

    public DigestSignature? Signature { get; init; }

    /// <summary>Why the record is not signed (no repair key, signing failed); null when signed.</summary>
    public string? Unsigned { get; init; }

    /// <summary>The same finding always gives the same id (and so the same key).</summary>
    public static string IdOf(string finding, string key, string? digestedSha256) =>
        Sha256Hex.Of(JsonOutput.Utf8.GetBytes(finding + "\n" + key + "\n" + (digestedSha256 ?? "-")));

    public string Id => IdOf(Finding, Key, DigestedSha256);

    /// <summary>Where the record is stored: by the day of the repair, then its id.</summary>
    public string StorageKey => Prefix + RepairedAt.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "/" + Id + ".json";

    /// <summary>The bytes the signature covers: every field but <c>signature</c>/<c>unsigned</c>.</summary>
    public byte[] CanonicalBytes() => JsonOutput.Utf8.GetBytes(JsonOutput.Write(writer => Write(writer, withSignature: false)));

    /// <summary>The message handed to KMS Sign and to verification (see <see cref="DigestDocument.SigningMessage"/>).</summary>
    public byte[] SigningMessage() => JsonOutput.Utf8.GetBytes(SigningStatementPrefix + Sha256Hex.Of(CanonicalBytes()));

    public string ToJson() => JsonOutput.Write(writer => Write(writer, withSignature: true));

    /// <summary>Reads a stored repair record; throws <see cref="InvalidDataException"/> when the text is not one.</summary>
    public static RepairRecord Parse(string json, string source) => SignedJson.Parse(json, source, "a repair record", root => new RepairRecord
        {
            SchemaVersion = root.GetProperty("schemaVersion").GetInt32(),
            Environment = root.GetProperty("environment").GetString() ?? string.Empty,
            Finding = root.GetProperty("finding").GetString()!,
            Key = root.GetProperty("key").GetString()!,
            DigestKey = SignedJson.Text(root, "digestKey"),
            DigestedSha256 = SignedJson.Text(root, "digestedSha256"),
            Action = root.GetProperty("action").GetString()!,
            Source = SignedJson.Text(root, "source"),
            WrittenKey = root.GetProperty("writtenKey").GetString()!,
            WrittenVersionId = SignedJson.Text(root, "writtenVersionId"),
            WrittenSha256 = root.GetProperty("writtenSha256").GetString()!,
            CallerArn = root.GetProperty("callerArn").GetString() ?? string.Empty,
            RepairedAt = DateTimeOffset.Parse(root.GetProperty("repairedAt").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
            Signature = SignedJson.ReadSignature(root),
            Unsigned = SignedJson.Text(root, "unsigned"),
        });

    // One fixed order and one encoding: the canonical bytes of a parsed record are the bytes that were signed.
    private void Write(Utf8JsonWriter writer, bool withSignature)
    {
        writer.WriteStartObject();
        writer.WriteNumber("schemaVersion", SchemaVersion);
        writer.WriteString("environment", Environment);
        writer.WriteString("finding", Finding);
        writer.WriteString("key", Key);
        SignedJson.WriteTextOrNull(writer, "digestKey", DigestKey);
        SignedJson.WriteTextOrNull(writer, "digestedSha256", DigestedSha256);
        writer.WriteString("action", Action);
        SignedJson.WriteTextOrNull(writer, "source", Source);
        writer.WriteString("writtenKey", WrittenKey);
        SignedJson.WriteTextOrNull(writer, "writtenVersionId", WrittenVersionId);
        writer.WriteString("writtenSha256", WrittenSha256);
        writer.WriteString("callerArn", CallerArn);
        writer.WriteString("repairedAt", AuditDocument.Iso(RepairedAt));
        if (withSignature)
        {
            SignedJson.WriteSignatureOrReason(writer, Signature, Unsigned);
        }

        writer.WriteEndObject();
    }
}
