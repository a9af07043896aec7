using System;
using System.Collections.Generic;
using System.Linq;
using SwarmPS.Engine.Workloads;
using Xunit;

namespace SwarmPS.Tests
{
    public sealed class ConstraintMatcherTests
    {
        [Theory]
        // == and != on a node label that is there, differs, or is missing; a missing label is never equal.
        [InlineData("node.labels.storage==ssd", "storage=ssd", "", true)]
        [InlineData("node.labels.storage==ssd", "storage=disk", "", false)]
        [InlineData("node.labels.storage==ssd", "", "", false)]
        [InlineData("node.labels.storage!=ssd", "storage=ssd", "", false)]
        [InlineData("node.labels.storage!=ssd", "storage=disk", "", true)]
        [InlineData("node.labels.storage!=ssd", "", "", true)]
        // As swarm compares: values ignoring case, label keys exactly.
        [InlineData("node.labels.storage==ssd", "storage=SSD", "", true)]
        [InlineData("node.labels.storage!=SSD", "storage=ssd", "", false)]
        [InlineData("node.labels.Storage==ssd", "storage=ssd", "", false)]
        // A node label with an empty value is there but equals no constraint value.
        [InlineData("node.labels.storage==ssd", "storage=", "", false)]
        [InlineData("node.labels.storage!=ssd", "storage=", "", true)]
        // Node labels and engine labels are kept apart.
        [InlineData("node.labels.storage==ssd", "", "storage=ssd", false)]
        [InlineData("node.labels.storage!=ssd", "", "storage=ssd", true)]
        [InlineData("engine.labels.storage==ssd", "", "storage=ssd", true)]
        [InlineData("engine.labels.storage==ssd", "storage=ssd", "", false)]
        [InlineData("engine.labels.storage!=ssd", "storage=ssd", "storage=disk", true)]
        // The translation rule: a classic bare key is the node label (engine labels are copied there on join).
        [InlineData("storage==ssd", "storage=ssd", "", true)]
        [InlineData("storage==ssd", "", "storage=ssd", false)]
        [InlineData("constraint:storage!=disk", "storage=disk", "storage=ssd", false)]
        public void Matches_Labels(string text, string nodeLabels, string engineLabels, bool expected)
        {
            NodeFacts node = Node("core-01", nodeLabels: nodeLabels, engineLabels: engineLabels);

            Assert.Equal(expected, ConstraintParser.Parse(text).Matches(node));
        }

        [Theory]
        [InlineData("node.hostname==core-01", "core-01", true)]
        [InlineData("node.hostname==CORE-01", "core-01", true)]
        [InlineData("node.hostname==core-01", "Core-01", true)]
        [InlineData("node.hostname==core-02", "core-01", false)]
        [InlineData("node.hostname!=core-01", "CORE-01", false)]
        [InlineData("node.hostname!=core-02", "core-01", true)]
        [InlineData("node==core-01", "core-01", true)]
        [InlineData("node!=core-01", "core-01", false)]
        [InlineData("node.hostname==core-01", "", false)]
        [InlineData("node.hostname!=core-01", "", true)]
        public void Matches_Hostname_IgnoresCase(string text, string hostname, bool expected)
        {
            Assert.Equal(expected, ConstraintParser.Parse(text).Matches(Node(hostname)));
        }

        [Theory]
        [InlineData("node.role==manager", "manager", true)]
        [InlineData("node.role==manager", "worker", false)]
        [InlineData("node.role!=manager", "worker", true)]
        [InlineData("node.role!=manager", "manager", false)]
        [InlineData("node.role==worker", "WORKER", true)]
        [InlineData("node.role==worker", "", false)]
        public void Matches_Role(string text, string role, bool expected)
        {
            Assert.Equal(expected, ConstraintParser.Parse(text).Matches(Node("core-01", role: role)));
        }

        [Theory]
        [InlineData("node.platform.os==linux", "linux", "x86_64", true)]
        [InlineData("node.platform.os==Linux", "linux", "x86_64", true)]
        [InlineData("node.platform.os==windows", "linux", "x86_64", false)]
        [InlineData("node.platform.os!=windows", "", "x86_64", true)]
        [InlineData("node.platform.os==linux", "", "x86_64", false)]
        [InlineData("node.platform.arch==x86_64", "linux", "x86_64", true)]
        [InlineData("node.platform.arch==X86_64", "linux", "x86_64", true)]
        [InlineData("node.platform.arch==x86_64", "linux", "aarch64", false)]
        [InlineData("node.platform.arch!=aarch64", "linux", "aarch64", false)]
        public void Matches_Platform(string text, string os, string arch, bool expected)
        {
            Assert.Equal(expected, ConstraintParser.Parse(text).Matches(Node("core-01", os: os, arch: arch)));
        }

        [Theory]
        [InlineData("node.id==abc123", "abc123", true)]
        [InlineData("node.id==abc123", "abc124", false)]
        [InlineData("node.id!=abc123", "abc123", false)]
        [InlineData("node.id==ABC123", "abc123", true)]
        public void Matches_Id(string text, string id, bool expected)
        {
            Assert.Equal(expected, ConstraintParser.Parse(text).Matches(Node("core-01", id: id)));
        }

        [Fact]
        public void Matches_Null_Throws()
        {
            Assert.Throws<ArgumentNullException>(() => ConstraintParser.Parse("storage==ssd").Matches(null!));
        }

        [Fact]
        public void Matching_KeepsNodesThatSatisfyEveryConstraint_InOrder()
        {
            NodeFacts a = Node("core-03", role: "worker", nodeLabels: "storage=ssd");
            NodeFacts b = Node("core-01", role: "manager", nodeLabels: "storage=ssd");
            NodeFacts c = Node("core-02", role: "worker", nodeLabels: "storage=disk");
            NodeFacts d = Node("core-04", role: "worker", nodeLabels: "storage=ssd,zone=b");
            IReadOnlyList<PlacementConstraint> constraints = Parse("storage==ssd", "node.role==worker");

            Assert.Equal(new[] { a, d }, ConstraintMatcher.Matching(constraints, new[] { a, b, c, d }));
            Assert.Equal(new[] { d }, ConstraintMatcher.Matching(Parse("storage==ssd", "node.role==worker", "zone!=a", "zone==b"), new[] { a, b, c, d }));
        }

        [Fact]
        public void Matching_NoConstraints_KeepsEveryNode_AndNoNodes_IsEmpty()
        {
            NodeFacts[] nodes = { Node("core-01"), Node("core-02") };

            Assert.Equal(nodes, ConstraintMatcher.Matching(Array.Empty<PlacementConstraint>(), nodes));
            Assert.Empty(ConstraintMatcher.Matching(Parse("storage==ssd"), Array.Empty<NodeFacts>()));
            Assert.Empty(ConstraintMatcher.Matching(Parse("storage==ssd", "storage==disk"), nodes.Select(n => Node(n.Hostname, nodeLabels: "storage=ssd")).ToArray()));
        }

        [Fact]
        public void ExplainNoMatch_ListsTheConstraints_EveryNodeWithLabelsAndFailures_AndTheNearest()
        {
            NodeFacts[] nodes =
            {
                Node("core-03", role: "manager"),
                Node("core-02", role: "worker", nodeLabels: "storage=disk"),
                Node("core-01", role: "manager", nodeLabels: "storage=ssd,zone=a"),
            };

            string message = ConstraintMatcher.ExplainNoMatch(Parse("storage==ssd", "node.role==worker"), nodes);
            string[] lines = Lines(message);

            Assert.Equal(new[]
            {
                "No node matches the constraints node.labels.storage==ssd, node.role==worker (all must hold). Nodes, nearest first:",
                "  core-01: storage=ssd, zone=a. Fails node.role==worker: it is a manager.",
                "  core-02: storage=disk. Fails node.labels.storage==ssd: it has storage=disk.",
                "  core-03: no labels. Fails node.labels.storage==ssd: it has no label storage; node.role==worker: it is a manager.",
                "Nearest: core-01 (fails node.role==worker: it is a manager).",
            }, lines);
        }

        [Fact]
        public void ExplainNoMatch_Nearest_IsTheNodeFailingFewest_NotTheFirstName()
        {
            NodeFacts[] nodes =
            {
                Node("alpha", role: "manager", nodeLabels: "storage=disk"),
                Node("zulu", role: "worker", nodeLabels: "storage=disk"),
            };

            string message = ConstraintMatcher.ExplainNoMatch(Parse("storage==ssd", "node.role==worker"), nodes);

            Assert.EndsWith("Nearest: zulu (fails node.labels.storage==ssd: it has storage=disk).", message, StringComparison.Ordinal);
            Assert.True(message.IndexOf("  zulu:", StringComparison.Ordinal) < message.IndexOf("  alpha:", StringComparison.Ordinal));
        }

        [Fact]
        public void ExplainNoMatch_TiesGoToTheFirstName_IgnoringCase()
        {
            // Ordinal order would put "Beta" before "alpha".
            NodeFacts[] nodes = { Node("Beta", nodeLabels: "storage=disk"), Node("alpha", nodeLabels: "storage=hdd") };

            string message = ConstraintMatcher.ExplainNoMatch(Parse("storage==ssd"), nodes);

            Assert.StartsWith("No node matches the constraint node.labels.storage==ssd. Nodes, nearest first:", message, StringComparison.Ordinal);
            Assert.EndsWith("Nearest: alpha (fails node.labels.storage==ssd: it has storage=hdd).", message, StringComparison.Ordinal);
        }

        [Fact]
        public void ExplainNoMatch_ShowsMergedLabels_AndWhyAnEngineLabelDoesNotCount()
        {
            NodeFacts[] nodes =
            {
                // Joined outside SwarmPS: its engine label was never copied to a node label.
                Node("core-01", engineLabels: "storage=ssd"),
                // Node label wins the clash in the merged view.
                Node("core-02", nodeLabels: "storage=disk", engineLabels: "storage=ssd,rack=r2"),
            };

            string[] lines = Lines(ConstraintMatcher.ExplainNoMatch(Parse("storage==ssd"), nodes));

            Assert.Contains("  core-01: storage=ssd. Fails node.labels.storage==ssd: it has no node label storage, only the engine label storage=ssd (copy it with Set-SwarmNode -Label storage=ssd, or write engine.labels.storage==ssd).", lines);
            Assert.Contains("  core-02: rack=r2, storage=disk. Fails node.labels.storage==ssd: it has storage=disk.", lines);
        }

        [Fact]
        public void ExplainNoMatch_EngineLabelConstraint_SaysWhatTheNodeHas()
        {
            NodeFacts[] nodes = { Node("core-01", nodeLabels: "storage=ssd"), Node("core-02", engineLabels: "storage=disk") };

            string[] lines = Lines(ConstraintMatcher.ExplainNoMatch(Parse("engine.labels.storage==ssd"), nodes));

            Assert.Contains("  core-01: storage=ssd. Fails engine.labels.storage==ssd: it has no engine label storage, only the node label storage=ssd.", lines);
            Assert.Contains("  core-02: storage=disk. Fails engine.labels.storage==ssd: its engine label is storage=disk.", lines);
        }

        [Fact]
        public void ExplainNoMatch_NamesWhatTheNodeIs_ForEachField()
        {
            NodeFacts node = new NodeFacts("id-1", "core-01", "worker", "linux", "aarch64", Labels("storage=ssd"), Labels(string.Empty));

            string message = ConstraintMatcher.ExplainNoMatch(
                Parse("node.id==id-2", "node.hostname==core-02", "node.role!=worker", "node.platform.os==windows", "node.platform.arch==x86_64", "storage!=ssd"),
                new[] { node });

            Assert.Contains("node.id==id-2: its id is id-1", message, StringComparison.Ordinal);
            Assert.Contains("node.hostname==core-02: its host name is core-01", message, StringComparison.Ordinal);
            Assert.Contains("node.role!=worker: it is a worker", message, StringComparison.Ordinal);
            Assert.Contains("node.platform.os==windows: its OS is linux", message, StringComparison.Ordinal);
            Assert.Contains("node.platform.arch==x86_64: its architecture is aarch64", message, StringComparison.Ordinal);
            Assert.Contains("node.labels.storage!=ssd: it has storage=ssd", message, StringComparison.Ordinal);
        }

        [Fact]
        public void ExplainNoMatch_UnknownPlatform_IsSaid()
        {
            string message = ConstraintMatcher.ExplainNoMatch(Parse("node.platform.os==linux"), new[] { Node("core-01", os: string.Empty) });

            Assert.Contains("node.platform.os==linux: its OS is unknown", message, StringComparison.Ordinal);
        }

        [Fact]
        public void ExplainNoMatch_NoNodes_SaysTheClusterHasNone()
        {
            string message = ConstraintMatcher.ExplainNoMatch(Parse("storage==ssd"), Array.Empty<NodeFacts>());

            Assert.Equal("No node can take it: the cluster has no nodes (asked for the constraint node.labels.storage==ssd).", message);
            Assert.Contains("the cluster has no nodes", ConstraintMatcher.ExplainNoMatch(Array.Empty<PlacementConstraint>(), Array.Empty<NodeFacts>()), StringComparison.Ordinal);
        }

        [Fact]
        public void ExplainNoMatch_NodeWithoutHostname_IsNamedByItsId()
        {
            string message = ConstraintMatcher.ExplainNoMatch(Parse("storage==ssd"), new[] { Node(string.Empty, id: "x1y2z3") });

            Assert.Contains("  x1y2z3: no labels.", message, StringComparison.Ordinal);
            Assert.EndsWith("Nearest: x1y2z3 (fails node.labels.storage==ssd: it has no label storage).", message, StringComparison.Ordinal);
        }

        [Fact]
        public void ExplainNoMatch_ManyNodes_ListsTheNearestTwenty()
        {
            // node-24 alone has the label, so it is nearest although its name sorts last.
            List<NodeFacts> nodes = Enumerable.Range(0, 25)
                .Select(i => Node($"node-{i:00}", role: "manager", nodeLabels: i == 24 ? "storage=ssd" : "storage=disk"))
                .ToList();

            string[] lines = Lines(ConstraintMatcher.ExplainNoMatch(Parse("storage==ssd", "node.role==worker"), nodes));

            Assert.Equal(1 + 20 + 1 + 1, lines.Length);
            Assert.StartsWith("  node-24:", lines[1], StringComparison.Ordinal);
            Assert.Equal("  ...and 5 more nodes.", lines[21]);
            Assert.Equal("Nearest: node-24 (fails node.role==worker: it is a manager).", lines[22]);
        }

        [Fact]
        public void ExplainNoMatch_ShowsLabelsEscaped()
        {
            string message = ConstraintMatcher.ExplainNoMatch(Parse("storage==ssd"), new[] { Node("core-01", nodeLabels: "storage=di\u0001sk") });

            Assert.Contains("storage=di\\u0001sk", message, StringComparison.Ordinal);
            Assert.All(Lines(message), line => Assert.DoesNotContain(line, c => char.IsControl(c)));
        }

        [Fact]
        public void ExplainNoMatch_WhenANodeMatches_SaysSo()
        {
            string message = ConstraintMatcher.ExplainNoMatch(Parse("storage==ssd"), new[] { Node("core-01", nodeLabels: "storage=ssd"), Node("core-02") });

            Assert.StartsWith("1 of 2 nodes match the constraint node.labels.storage==ssd.", message, StringComparison.Ordinal);
            Assert.Contains("  core-01: storage=ssd. Matches every constraint.", message, StringComparison.Ordinal);
            Assert.EndsWith("Nearest: core-01 (matches every constraint).", message, StringComparison.Ordinal);
        }

        [Fact]
        public void NodeFacts_CopiesItsLabels_AndRefusesNull()
        {
            var labels = new Dictionary<string, string> { ["storage"] = "ssd" };
            var node = new NodeFacts("id", "core-01", "worker", "linux", "x86_64", labels, labels);
            labels["storage"] = "disk";

            Assert.Equal("ssd", node.NodeLabels["storage"]);
            Assert.Equal("ssd", node.EngineLabels["storage"]);
            Assert.Throws<ArgumentNullException>(() => new NodeFacts(null!, "h", "worker", "linux", "x86_64", labels, labels));
            Assert.Throws<ArgumentNullException>(() => new NodeFacts("id", "h", "worker", "linux", "x86_64", null!, labels));
            Assert.Throws<ArgumentNullException>(() => new NodeFacts("id", "h", "worker", "linux", "x86_64", labels, null!));
        }

        [Fact]
        public void Matching_AndExplain_RefuseNull()
        {
            Assert.Throws<ArgumentNullException>(() => ConstraintMatcher.Matching(null!, Array.Empty<NodeFacts>()));
            Assert.Throws<ArgumentNullException>(() => ConstraintMatcher.Matching(Array.Empty<PlacementConstraint>(), null!));
            Assert.Throws<ArgumentNullException>(() => ConstraintMatcher.ExplainNoMatch(null!, Array.Empty<NodeFacts>()));
            Assert.Throws<ArgumentNullException>(() => ConstraintMatcher.ExplainNoMatch(Array.Empty<PlacementConstraint>(), null!));
        }

        private static IReadOnlyList<PlacementConstraint> Parse(params string[] texts) => ConstraintParser.ParseAll(texts);

        private static string[] Lines(string message) => message.Split('\n').Select(line => line.TrimEnd('\r')).ToArray();

        private static NodeFacts Node(string hostname, string role = "worker", string nodeLabels = "", string engineLabels = "", string os = "linux", string arch = "x86_64", string? id = null) =>
            new NodeFacts(id ?? hostname + "-id", hostname, role, os, arch, Labels(nodeLabels), Labels(engineLabels));

        /// <summary>"k=v,k2=v2" as a dictionary; empty for "".</summary>
        private static Dictionary<string, string> Labels(string text) =>
            text.Length == 0
                ? new Dictionary<string, string>()
                : text.Split(',').Select(pair => pair.Split('=', 2)).ToDictionary(pair => pair[0], pair => pair[1]);
    }
}
