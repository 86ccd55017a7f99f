using System.Text;
using OrderMonitoring.Aws;
using OrderMonitoring.Cmdlets.Tests.Reconciliation;
using OrderMonitoring.Processor.Audit;
using OrderMonitoring.Processor.Digests;

namespace OrderMonitoring.Cmdlets.Tests.Integrity;

/// <summary>
/// Writes seals into a fake bucket the way the seal rules say the processor does: the head (highest position) of every
/// chain with a digest in the listed days, the SHA-256 of its current bytes, a link to the previous seal, signed with
/// the digest key (or unsigned), stored at <see cref="AuditKey.ForSeal"/> at the store's clock.
/// </summary>
internal sealed class SealWriter(FakeVersionStore store, SignedTrail trail)
{
    /// <summary>The schedule's interval plus grace (60 + 15 minutes: the template's default).</summary>
    public static readonly TimeSpan Due = TimeSpan.FromMinutes(75);

    public DigestLink? Previous { get; set; }

    public SealDocument Seal(bool unsigned = false, Func<SealDocument, SealDocument>? change = null)
    {
        var heads = store.Keys(AuditKey.DigestsPrefix).Where(k => store.Current(k) is not null)
            .Select(k => (Key: k, Text: store.Current(k)!))
            .Select(d => (d.Key, d.Text, Document: DigestDocument.Parse(d.Text, d.Key)))
            .GroupBy(d => d.Document.Chain, StringComparer.Ordinal)
            .Select(chain => chain.OrderByDescending(d => d.Document.Position).First())
            .Select(d => new SealedHead(d.Document.Chain, d.Document.Position, d.Key, Sha256Hex.Of(Encoding.UTF8.GetBytes(d.Text))))
            .OrderBy(h => h.Key, StringComparer.Ordinal).ToList();
        var sealedAt = new DateTimeOffset(store.Now, TimeSpan.Zero);
        var seal = new SealDocument { Environment = "dev", SealedAt = sealedAt, NextSealBy = sealedAt + Due, Previous = Previous, Heads = heads };
        seal = change?.Invoke(seal) ?? seal;
        seal = unsigned ? seal with { Unsigned = "simulated: KMS unreachable" } : trail.Signed(seal);
        store.Put(seal.Key, seal.ToJson());
        Previous = seal.ToLink();
        return seal;
    }
}
