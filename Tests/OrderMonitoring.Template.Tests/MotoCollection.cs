using OrderMonitoring.TestSupport;

namespace OrderMonitoring.Template.Tests;

/// <summary>Test classes marked <c>[Collection(MotoCollection.Name)]</c> share one moto server and run one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class MotoCollection : ICollectionFixture<MotoFixture>
{
    public const string Name = "moto";
}
