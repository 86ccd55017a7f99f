namespace OrderMonitoring.Cmdlets.Integrity;

/// <summary>The versions of one key in the order S3 means: newest first, the current one first within a second.</summary>
internal static class VersionOrder
{
    // S3 lists a key's versions newest first; some emulators list versions and delete markers apart, so order by time.
    // Times have whole seconds: within one second the current version comes first, then the listed order.
    public static IReadOnlyList<ObjectVersion> NewestFirst(IReadOnlyList<ObjectVersion> listed) =>
        listed.OrderByDescending(v => v.LastModified ?? DateTime.MinValue).ThenByDescending(v => v.IsLatest).ToList();

    public static ObjectVersion Current(IReadOnlyList<ObjectVersion> listed, IReadOnlyList<ObjectVersion> newestFirst) =>
        listed.FirstOrDefault(v => v.IsLatest) ?? newestFirst[0];
}
