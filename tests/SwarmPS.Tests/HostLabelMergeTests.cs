using System;
using System.Collections.Generic;
using System.Linq;
using SwarmPS.Engine.Provisioning;
using Xunit;

namespace SwarmPS.Tests
{
    public sealed class HostLabelMergeTests
    {
        private static (string, IReadOnlyDictionary<string, string>) Row(string host, params string[] labels) =>
            (host, EngineLabels.Parse(labels));

        [Fact]
        public void RowsForOneHost_BecomeOneRequestWithTheLabelsUnioned()
        {
            var merged = HostLabelMerge.Merge(new[] { Row("core-01", "storage=ssd"), Row("core-02", "zone=b"), Row("CORE-01", "zone=a"), Row("core-01", "storage=ssd") }, h => h);

            Assert.Equal(new[] { "core-01", "core-02" }, merged.Select(m => m.Host));
            Assert.Equal(new Dictionary<string, string> { ["storage"] = "ssd", ["zone"] = "a" }, merged[0].Labels);
            Assert.Equal(new Dictionary<string, string> { ["zone"] = "b" }, merged[1].Labels);
        }

        [Fact]
        public void TwoValuesForOneKeyOnOneHost_IsLabelConflictNamingBoth()
        {
            SwarmException conflict = Assert.Throws<SwarmException>(() =>
                HostLabelMerge.Merge(new[] { Row("core-01", "zone=a"), Row("core-02", "zone=b"), Row("core-01", "zone=c") }, h => h));

            Assert.Equal("LabelConflict", conflict.ErrorId);
            Assert.Equal(SwarmErrorKind.InvalidArgument, conflict.Kind);
            Assert.Equal("core-01", conflict.Target);
            Assert.Contains("zone=a and zone=c", conflict.Message, StringComparison.Ordinal);
            Assert.Contains("Nothing was changed on any host", conflict.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void SameKeyWithDifferentValuesOnDifferentHosts_IsNoConflict()
        {
            var merged = HostLabelMerge.Merge(new[] { Row("core-01", "zone=a"), Row("core-02", "zone=b") }, h => h);

            Assert.Equal(2, merged.Count);
        }
    }
}
