using System;
using System.Collections.Generic;
using System.Linq;
using SwarmPS.Engine.Provisioning;
using Xunit;

namespace SwarmPS.Tests
{
    public sealed class DaemonConfigTests
    {
        private static readonly IReadOnlyDictionary<string, string> NoLabels = new Dictionary<string, string>();
        private static readonly TlsFiles Tls = new TlsFiles("/etc/docker/swarmps/ca.pem", "/etc/docker/swarmps/server-cert.pem", "/etc/docker/swarmps/server-key.pem");

        private const string Existing =
            "{\n" +
            "  \"log-driver\": \"json-file\",\n" +
            "  \"log-opts\": { \"max-size\": \"10m\", \"max-file\": \"3\", \"labels\": \"keep-me\" },\n" +
            "  \"storage-driver\": \"overlay2\",\n" +
            "  \"registry-mirrors\": [\"https://mirror.example.com\", \"https://a+b.example.com/<x>\"],\n" +
            "  \"labels\": [\"rack=r1\", \"zone=a=b\"],\n" +
            "  \"max-concurrent-downloads\": 1.50,\n" +
            "  \"data-root\": \"/srv/d\u00F6cker\",\n" +
            "  \"default-ulimits\": { \"nofile\": { \"Name\": \"nofile\", \"Hard\": 64000, \"Soft\": 64000 } },\n" +
            "  \"live-restore\": true,\n" +
            "  \"debug\": null\n" +
            "}";

        [Theory]
        [InlineData(null)]
        [InlineData("")]
        [InlineData("  \n\t ")]
        [InlineData("{}")]
        public void Parse_EmptyInput_IsEmptyObject(string? json)
        {
            DaemonConfig config = DaemonConfig.Parse(json);

            Assert.Empty(config.Labels);
            Assert.False(config.HasHostsEntry);
            Assert.Empty(config.HostsEntry);
            Assert.Equal("{}\n", config.Render(NoLabels, null, removeTls: false));
            Assert.Equal("/etc/docker/daemon.json", config.FilePath);
        }

        [Fact]
        public void Render_LabelsAndTlsIntoEmptyFile()
        {
            string rendered = DaemonConfig.Parse(null).Render(Labels(("storage", "ssd"), ("zone", "eu")), Tls, removeTls: false);

            Assert.Equal(
                "{\n" +
                "  \"labels\": [\n" +
                "    \"storage=ssd\",\n" +
                "    \"zone=eu\"\n" +
                "  ],\n" +
                "  \"tlsverify\": true,\n" +
                "  \"tlscacert\": \"/etc/docker/swarmps/ca.pem\",\n" +
                "  \"tlscert\": \"/etc/docker/swarmps/server-cert.pem\",\n" +
                "  \"tlskey\": \"/etc/docker/swarmps/server-key.pem\"\n" +
                "}\n",
                rendered);
        }

        [Fact]
        public void Render_KeepsEveryUnknownKeyInOrderAndUnchanged()
        {
            string rendered = DaemonConfig.Parse(Existing).Render(Labels(("zone", "c"), ("storage", "ssd")), null, removeTls: false);

            Assert.Equal(
                "{\n" +
                "  \"log-driver\": \"json-file\",\n" +
                "  \"log-opts\": {\n" +
                "    \"max-size\": \"10m\",\n" +
                "    \"max-file\": \"3\",\n" +
                "    \"labels\": \"keep-me\"\n" +
                "  },\n" +
                "  \"storage-driver\": \"overlay2\",\n" +
                "  \"registry-mirrors\": [\n" +
                "    \"https://mirror.example.com\",\n" +
                "    \"https://a+b.example.com/<x>\"\n" +
                "  ],\n" +
                "  \"labels\": [\n" +
                "    \"rack=r1\",\n" +
                "    \"zone=c\",\n" +
                "    \"storage=ssd\"\n" +
                "  ],\n" +
                "  \"max-concurrent-downloads\": 1.50,\n" +
                "  \"data-root\": \"/srv/d\u00F6cker\",\n" +
                "  \"default-ulimits\": {\n" +
                "    \"nofile\": {\n" +
                "      \"Name\": \"nofile\",\n" +
                "      \"Hard\": 64000,\n" +
                "      \"Soft\": 64000\n" +
                "    }\n" +
                "  },\n" +
                "  \"live-restore\": true,\n" +
                "  \"debug\": null\n" +
                "}\n",
                rendered);
        }

        [Fact]
        public void Labels_ReadsExistingArrayWithEqualsInValues()
        {
            DaemonConfig config = DaemonConfig.Parse(Existing);

            Assert.Equal(new[] { "rack", "zone" }, config.Labels.Keys.ToArray());
            Assert.Equal("a=b", config.Labels["zone"]);
        }

        [Fact]
        public void Labels_SameLabelTwice_IsReadOnce()
        {
            DaemonConfig config = DaemonConfig.Parse("{\"labels\": [\"a=1\", \"b=2\", \"a=1\"]}");

            Assert.Equal(new[] { "a", "b" }, config.Labels.Keys.ToArray());
        }

        [Fact]
        public void Labels_NullIsNoLabels()
        {
            Assert.Empty(DaemonConfig.Parse("{\"labels\": null}").Labels);
        }

        [Theory]
        [InlineData("{\"labels\": null}", "{\n  \"labels\": null\n}\n")]
        [InlineData("{\"labels\": []}", "{\n  \"labels\": []\n}\n")]
        public void Render_NothingToSet_LeavesEmptyLabelsAlone(string json, string expected)
        {
            Assert.Equal(expected, DaemonConfig.Parse(json).Render(NoLabels, null, removeTls: false));
            Assert.Equal("{\n  \"labels\": [\n    \"a=1\"\n  ]\n}\n", DaemonConfig.Parse(json).Render(Labels(("a", "1")), null, removeTls: false));
        }

        [Theory]
        [InlineData("{\"labels\": {\"a\": \"1\"}}")]
        [InlineData("{\"labels\": \"a=1\"}")]
        [InlineData("{\"labels\": [1]}")]
        [InlineData("{\"labels\": [\"no-equals\"]}")]
        [InlineData("{\"labels\": [\"=value\"]}")]
        [InlineData("{\"labels\": [\"a=1\", \"a=2\"]}")]
        public void Labels_Malformed_IsDaemonJsonInvalid(string json)
        {
            SwarmException error = Assert.Throws<SwarmException>(() => DaemonConfig.Parse(json, "/tmp/daemon.json"));

            Assert.Equal("DaemonJsonInvalid", error.ErrorId);
            Assert.Equal(SwarmErrorKind.InvalidData, error.Kind);
            Assert.Equal("/tmp/daemon.json", error.Target);
            Assert.Contains("labels", error.Message, StringComparison.OrdinalIgnoreCase);
        }

        [Fact]
        public void Hosts_AreDetected()
        {
            DaemonConfig config = DaemonConfig.Parse("{\"hosts\": [\"unix:///var/run/docker.sock\", \"tcp://0.0.0.0:2375\"], \"debug\": true}");

            Assert.True(config.HasHostsEntry);
            Assert.Equal(new[] { "unix:///var/run/docker.sock", "tcp://0.0.0.0:2375" }, config.HostsEntry.ToArray());
        }

        [Fact]
        public void Hosts_SingleStringOrEmptyArray_StillCountsAsPresent()
        {
            DaemonConfig single = DaemonConfig.Parse("{\"hosts\": \"tcp://0.0.0.0:2375\"}");
            DaemonConfig empty = DaemonConfig.Parse("{\"hosts\": []}");

            Assert.True(single.HasHostsEntry);
            Assert.Equal(new[] { "tcp://0.0.0.0:2375" }, single.HostsEntry.ToArray());
            Assert.True(empty.HasHostsEntry);
            Assert.Empty(empty.HostsEntry);
        }

        [Fact]
        public void Render_KeepsHostsAsTheyAre()
        {
            string rendered = DaemonConfig.Parse("{\"hosts\": [\"fd://\"]}").Render(Labels(("a", "1")), null, removeTls: false);

            Assert.True(DaemonConfig.SemanticallyEqual("{\"hosts\": [\"fd://\"], \"labels\": [\"a=1\"]}", rendered));
        }

        [Theory]
        [InlineData("{\n  \"debug\": true,\n}", 3, 1)]
        [InlineData("{\"debug\" true}", 1, 10)]
        [InlineData("{\n  // comment\n  \"debug\": true\n}", 2, 3)]
        [InlineData("{\"debug\": tru}", 1, 14)]
        [InlineData("{\"debug\": true", 1, 15)]
        public void Parse_InvalidJson_GivesLineAndPosition(string json, int line, int position)
        {
            SwarmException error = Assert.Throws<SwarmException>(() => DaemonConfig.Parse(json));

            Assert.Equal("DaemonJsonInvalid", error.ErrorId);
            Assert.Equal(SwarmErrorKind.InvalidData, error.Kind);
            Assert.Equal("/etc/docker/daemon.json", error.Target);
            Assert.Contains($"line {line}, position {position}", error.Message, StringComparison.Ordinal);
            Assert.Contains("/etc/docker/daemon.json", error.Message, StringComparison.Ordinal);
            Assert.Contains("fix the file or remove it", error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("LineNumber", error.Message, StringComparison.Ordinal);
            Assert.IsAssignableFrom<System.Text.Json.JsonException>(error.InnerException);
            Assert.DoesNotContain("..", error.Message, StringComparison.Ordinal);
        }

        [Theory]
        [InlineData("[]")]
        [InlineData("\"text\"")]
        [InlineData("42")]
        [InlineData("null")]
        [InlineData("true")]
        public void Parse_TopLevelNonObject_IsDaemonJsonInvalid(string json)
        {
            SwarmException error = Assert.Throws<SwarmException>(() => DaemonConfig.Parse(json));

            Assert.Equal("DaemonJsonInvalid", error.ErrorId);
            Assert.Contains("object", error.Message, StringComparison.Ordinal);
        }

        [Theory]
        [InlineData("{\"debug\": true, \"debug\": false}", "the key \"debug\" twice")]
        [InlineData("{\"log-opts\": {\"max-size\": \"1m\", \"max-size\": \"2m\"}}", "the key \"max-size\" in \"log-opts\" twice")]
        [InlineData("{\"a\": [{}, {\"b\": 1, \"b\": 1}]}", "the key \"b\" in \"a\"[1] twice")]
        public void Parse_DuplicateKey_IsDaemonJsonInvalidNamingIt(string json, string expected)
        {
            SwarmException error = Assert.Throws<SwarmException>(() => DaemonConfig.Parse(json));

            Assert.Equal("DaemonJsonInvalid", error.ErrorId);
            Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void Parse_CrLfFile_IsRenderedWithLf()
        {
            string rendered = DaemonConfig.Parse("{\r\n  \"debug\": true\r\n}\r\n").Render(NoLabels, null, removeTls: false);

            Assert.Equal("{\n  \"debug\": true\n}\n", rendered);
        }

        [Fact]
        public void Render_ExistingTlsKeysAreReplacedInPlace()
        {
            string json = "{\"debug\": true, \"tlsverify\": false, \"tlscert\": \"/old/cert.pem\", \"live-restore\": true}";

            string rendered = DaemonConfig.Parse(json).Render(NoLabels, Tls, removeTls: false);

            Assert.Equal(
                "{\n" +
                "  \"debug\": true,\n" +
                "  \"tlsverify\": true,\n" +
                "  \"tlscert\": \"/etc/docker/swarmps/server-cert.pem\",\n" +
                "  \"live-restore\": true,\n" +
                "  \"tlscacert\": \"/etc/docker/swarmps/ca.pem\",\n" +
                "  \"tlskey\": \"/etc/docker/swarmps/server-key.pem\"\n" +
                "}\n",
                rendered);
        }

        [Fact]
        public void Render_RemoveTls_DropsTheFourKeysOnly()
        {
            string withTls = DaemonConfig.Parse(Existing).Render(Labels(("storage", "ssd")), Tls, removeTls: false);
            string withTlsFlag = withTls.Replace("\"live-restore\": true", "\"live-restore\": true, \"tls\": true", StringComparison.Ordinal);

            string removed = DaemonConfig.Parse(withTlsFlag).Render(NoLabels, null, removeTls: true);

            Assert.DoesNotContain("tlsverify", removed, StringComparison.Ordinal);
            Assert.DoesNotContain("tlscacert", removed, StringComparison.Ordinal);
            Assert.DoesNotContain("tlscert", removed, StringComparison.Ordinal);
            Assert.DoesNotContain("tlskey", removed, StringComparison.Ordinal);
            Assert.Contains("\"tls\": true", removed, StringComparison.Ordinal);
            Assert.Equal(
                DaemonConfig.Parse(Existing).Render(Labels(("storage", "ssd")), null, removeTls: false),
                removed.Replace(",\n  \"tls\": true", string.Empty, StringComparison.Ordinal));
        }

        [Fact]
        public void Render_TlsAndRemoveTlsTogether_Throws()
        {
            Assert.Throws<ArgumentException>(() => DaemonConfig.Parse(null).Render(NoLabels, Tls, removeTls: true));
        }

        [Fact]
        public void Render_InvalidLabel_IsLabelInvalid()
        {
            SwarmException error = Assert.Throws<SwarmException>(() => DaemonConfig.Parse(null).Render(Labels(("bad key", "x")), null, removeTls: false));

            Assert.Equal("LabelInvalid", error.ErrorId);
        }

        [Fact]
        public void Render_ThenParse_RoundTrips()
        {
            string rendered = DaemonConfig.Parse(Existing).Render(Labels(("zone", "c"), ("storage", "ssd")), Tls, removeTls: false);

            DaemonConfig reparsed = DaemonConfig.Parse(rendered);

            Assert.Equal(new[] { "rack=r1", "zone=c", "storage=ssd" }, reparsed.Labels.Select(label => label.Key + "=" + label.Value).ToArray());
            Assert.False(reparsed.HasHostsEntry);
            Assert.True(reparsed.IsEquivalentTo(rendered));
            Assert.False(reparsed.IsEquivalentTo(Existing));
        }

        [Fact]
        public void Render_IsIdempotent()
        {
            IReadOnlyDictionary<string, string> labels = Labels(("zone", "c"), ("storage", "ssd"));
            string once = DaemonConfig.Parse(Existing).Render(labels, Tls, removeTls: false);

            string twice = DaemonConfig.Parse(once).Render(labels, Tls, removeTls: false);

            Assert.Equal(once, twice);
        }

        [Fact]
        public void Render_DoesNotChangeTheParsedConfig()
        {
            DaemonConfig config = DaemonConfig.Parse("{\"debug\": true}");

            config.Render(Labels(("a", "1")), Tls, removeTls: false);
            string plain = config.Render(NoLabels, null, removeTls: false);

            Assert.Equal("{\n  \"debug\": true\n}\n", plain);
            Assert.Empty(config.Labels);
        }

        [Fact]
        public void Render_EscapesOnlyWhatJsonRequires()
        {
            string rendered = DaemonConfig.Parse("{\"x\": \"quote\\\" back\\\\slash tab\\t \\u00e9 \\u2028\"}").Render(NoLabels, null, removeTls: false);

            Assert.Contains("quote\\\" back\\\\slash tab\\t \u00E9", rendered, StringComparison.Ordinal);
            Assert.True(DaemonConfig.SemanticallyEqual(rendered, "{\"x\": \"quote\\\" back\\\\slash tab\\t \u00E9 \\u2028\"}"));
        }

        [Theory]
        [InlineData("{\"a\":1,\"b\":[1,2]}", "{\n  \"a\": 1,\n  \"b\": [ 1, 2 ]\n}\n", true)]
        [InlineData("{\"a\":1,\"b\":2}", "{\"b\":2,\"a\":1}", true)]
        [InlineData("{\"a\":{\"x\":\"y\"}}", "{\"a\":{\"x\":\"z\"}}", false)]
        [InlineData("{\"a\":[1,2]}", "{\"a\":[2,1]}", false)]
        [InlineData("{\"a\":1}", "{\"a\":1,\"b\":null}", false)]
        [InlineData("{\"a\":\"1\"}", "{\"a\":1}", false)]
        [InlineData(null, "{}", true)]
        [InlineData("", "  ", true)]
        [InlineData("{", "{", false)]
        [InlineData("[]", "[]", false)]
        public void SemanticallyEqual_IgnoresLayoutOnly(string? a, string? b, bool expected)
        {
            Assert.Equal(expected, DaemonConfig.SemanticallyEqual(a, b));
            Assert.Equal(expected, DaemonConfig.SemanticallyEqual(b, a));
        }

        [Fact]
        public void IsEquivalentTo_ComparesWithTheParsedFile()
        {
            DaemonConfig config = DaemonConfig.Parse("{\"debug\": true, \"labels\": [\"a=1\"]}");

            Assert.True(config.IsEquivalentTo("{\n  \"labels\": [\"a=1\"],\n  \"debug\": true\n}\n"));
            Assert.False(config.IsEquivalentTo("{\"debug\": false, \"labels\": [\"a=1\"]}"));
            Assert.False(config.IsEquivalentTo("not json"));
            Assert.True(DaemonConfig.Parse(null).IsEquivalentTo("{}"));
        }

        private static IReadOnlyDictionary<string, string> Labels(params (string Key, string Value)[] labels)
        {
            return EngineLabels.Parse(labels.Select(label => label.Key + "=" + label.Value));
        }
    }
}
