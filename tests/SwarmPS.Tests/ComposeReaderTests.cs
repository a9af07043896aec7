using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using SwarmPS.Engine.Stacks;
using SwarmPS.Tests.Fakes;
using Xunit;

namespace SwarmPS.Tests
{
    public sealed class ComposeReaderTests
    {
        private static readonly IReadOnlyDictionary<string, string> NoVariables = new Dictionary<string, string>();

        private static ComposeDocument Load(TemporaryDirectory dir, IReadOnlyDictionary<string, string>? env = null, string? envFile = null, params (string Name, string Text)[] files)
        {
            var paths = new List<string>();
            foreach ((string name, string text) in files)
            {
                string path = Path.Combine(dir.Path, name);
                File.WriteAllText(path, text);
                paths.Add(path);
            }

            return ComposeReader.Load(paths, env ?? NoVariables, envFile);
        }

        private static ComposeMapping Service(ComposeDocument doc, string name) => (ComposeMapping)((ComposeMapping)doc.Root["services"]!)[name]!;

        [Fact]
        public void ReadsAFileWithAnchorsAndMergeKeysAndKeepsPositions()
        {
            using var dir = new TemporaryDirectory();
            ComposeDocument doc = Load(dir, files: ("compose.yml", "x-common: &common\n  user: app\n  working_dir: /srv\nservices:\n  web:\n    <<: *common\n    user: root\n    image: nginx:1.25\n"));
            ComposeMapping web = Service(doc, "web");
            Assert.Equal("root", web["user"]!.ToString());
            Assert.Equal("/srv", web["working_dir"]!.ToString());
            Assert.Equal("nginx:1.25", web["image"]!.ToString());
            Assert.Equal(8, web["image"]!.Mark.Line);
            Assert.Equal(12, web["image"]!.Mark.Column);
            Assert.EndsWith("compose.yml", web["image"]!.Mark.File);
        }

        [Theory]
        [InlineData("services:\n  web:\n    image: [unclosed\n", 4, "compose.yml:")]
        [InlineData("services:\n  web:\n   image: a\n  bad: - x\n", 4, "compose.yml:4:")]
        [InlineData("services: {}\nservice:\n  web: {}\n", 2, "compose.yml:2:1")]
        [InlineData("services:\n  web:\n    image: a\n    image: b\n", 4, "compose.yml:4:5")]
        [InlineData("- a\n- b\n", 1, "compose.yml:1:1")]
        public void SyntaxErrorsAndUnknownTopLevelKeysNameFileLineAndColumn(string text, int line, string where)
        {
            using var dir = new TemporaryDirectory();
            SwarmException failure = Assert.Throws<SwarmException>(() => Load(dir, files: ("compose.yml", text)));
            Assert.Equal("ComposeFileInvalid", failure.ErrorId);
            Assert.Contains(where, failure.Message);
            Assert.Contains($"compose.yml:{line}:", failure.Message);
        }

        [Fact]
        public void UnknownTopLevelKeyMessageListsTheRightKeys()
        {
            using var dir = new TemporaryDirectory();
            SwarmException failure = Assert.Throws<SwarmException>(() => Load(dir, files: ("compose.yml", "services: {}\nservice: {}\n")));
            Assert.Contains("'service' is not a top-level Compose key", failure.Message);
            Assert.Contains("services", failure.Message);
        }

        [Theory]
        [InlineData("${TAG}", "1.2")]
        [InlineData("$TAG-x", "1.2-x")]
        [InlineData("${UNSET:-fallback}", "fallback")]
        [InlineData("${EMPTY:-fallback}", "fallback")]
        [InlineData("${EMPTY-fallback}", "")]
        [InlineData("${UNSET-fallback}", "fallback")]
        [InlineData("${TAG:+set}", "set")]
        [InlineData("${UNSET:+set}", "")]
        [InlineData("$$TAG costs $$5", "$TAG costs $5")]
        [InlineData("${UNSET:-${TAG}-b}", "1.2-b")]
        [InlineData("${TAG:?needed}", "1.2")]
        [InlineData("no variables", "no variables")]
        public void Interpolates(string text, string expected)
        {
            var env = new Dictionary<string, string> { ["TAG"] = "1.2", ["EMPTY"] = string.Empty };
            Assert.Equal(expected, ComposeInterpolation.Interpolate(text, v => env.GetValueOrDefault(v), new ComposeMark("f", 1, 1)));
        }

        [Theory]
        [InlineData("${UNSET:?set TAG to the release}", "required variable UNSET is not set: set TAG to the release")]
        [InlineData("${EMPTY:?cannot be empty}", "required variable EMPTY is empty: cannot be empty")]
        public void AMissingRequiredVariableStopsWithItsMessage(string text, string message)
        {
            using var dir = new TemporaryDirectory();
            SwarmException failure = Assert.Throws<SwarmException>(() => Load(dir, new Dictionary<string, string> { ["EMPTY"] = "" }, files: ("compose.yml", $"services:\n  web:\n    image: \"{text}\"\n")));
            Assert.Equal("ComposeVariableMissing", failure.ErrorId);
            Assert.Contains(message, failure.Message);
            Assert.Contains("compose.yml:3:12", failure.Message);
        }

        [Theory]
        [InlineData("${")]
        [InlineData("${1A}")]
        [InlineData("${A:x}")]
        [InlineData("$-")]
        public void MalformedSubstitutionsAreFileErrors(string text)
        {
            SwarmException failure = Assert.Throws<SwarmException>(() => ComposeInterpolation.Interpolate(text, _ => "v", new ComposeMark("c.yml", 2, 3)));
            Assert.Equal("ComposeFileInvalid", failure.ErrorId);
            Assert.Contains("c.yml:2:3", failure.Message);
        }

        [Fact]
        public void TheEnvironmentWinsOverTheEnvFileAndKeysAndExtensionsAreNotSubstituted()
        {
            using var dir = new TemporaryDirectory();
            string envFile = Path.Combine(dir.Path, "app.env");
            File.WriteAllText(envFile, "# release\nexport TAG=1.0\nREPLICAS='2'\nQUOTED=\"a\\tb\"\n\nNAME_ONLY\n");
            ComposeDocument doc = Load(dir, new Dictionary<string, string> { ["TAG"] = "2.0" }, envFile,
                ("compose.yml", "x-note: ${NOT_SUBSTITUTED}\nservices:\n  web:\n    image: web:${TAG}\n    environment:\n      R: ${REPLICAS}\n      Q: ${QUOTED}\n"));
            ComposeMapping web = Service(doc, "web");
            Assert.Equal("web:2.0", web["image"]!.ToString());
            var env = (ComposeMapping)web["environment"]!;
            Assert.Equal("2", env["R"]!.ToString());
            Assert.Equal("a\tb", env["Q"]!.ToString());
            Assert.Equal("${NOT_SUBSTITUTED}", doc.Root["x-note"]!.ToString());
        }

        [Fact]
        public void MergesFilesByTheComposeRules()
        {
            using var dir = new TemporaryDirectory();
            ComposeDocument doc = Load(dir, files: new[]
            {
                ("compose.yml", "services:\n  web:\n    image: web:1\n    command: [serve, --port, '80']\n    environment: [A=1, B=2]\n    labels: {tier: front}\n    ports: ['8080:80', '9090:90']\n    volumes: ['data:/data', '/etc/a:/a:ro']\n    secrets: [key]\n    dns: [1.1.1.1]\n    healthcheck:\n      test: [CMD, a]\n      interval: 10s\n  db:\n    image: db:1\n    user: postgres\n"),
                ("override.yml", "services:\n  web:\n    image: web:2\n    command: [serve]\n    environment:\n      B: '3'\n      C: '4'\n    labels: [extra=yes]\n    ports:\n      - target: 80\n        published: 8080\n      - '7070:70'\n    volumes: ['other:/data']\n    secrets: [{source: key2, target: key}]\n    dns: [8.8.8.8]\n    healthcheck:\n      test: [CMD, b]\n  db:\n    user: !reset null\n  cache:\n    image: cache:1\n"),
            });
            ComposeMapping web = Service(doc, "web");
            Assert.Equal("web:2", web["image"]!.ToString());
            Assert.Equal(new[] { "serve" }, ((ComposeSequence)web["command"]!).Items.Select(i => i.ToString()));
            var env = (ComposeMapping)web["environment"]!;
            Assert.Equal(new[] { "A=1", "B=3", "C=4" }, env.Entries.Select(e => e.Key + "=" + e.Value));
            Assert.Equal(new[] { "tier", "extra" }, ((ComposeMapping)web["labels"]!).Keys);
            var ports = ((ComposeSequence)web["ports"]!).Items;
            Assert.Equal(3, ports.Count);
            Assert.IsType<ComposeMapping>(ports[0]);
            Assert.Equal(new[] { "other:/data", "/etc/a:/a:ro" }, ((ComposeSequence)web["volumes"]!).Items.Select(i => i.ToString()));
            Assert.Single(((ComposeSequence)web["secrets"]!).Items);
            Assert.Equal(new[] { "1.1.1.1", "8.8.8.8" }, ((ComposeSequence)web["dns"]!).Items.Select(i => i.ToString()));
            var health = (ComposeMapping)web["healthcheck"]!;
            Assert.Equal(new[] { "CMD", "b" }, ((ComposeSequence)health["test"]!).Items.Select(i => i.ToString()));
            Assert.Equal("10s", health["interval"]!.ToString());
            Assert.Null(Service(doc, "db")["user"]);
            Assert.Equal("cache:1", Service(doc, "cache")["image"]!.ToString());
            Assert.Contains("override.yml", web["image"]!.Mark.File);
        }

        [Fact]
        public void OverrideTagReplacesInsteadOfMerging()
        {
            using var dir = new TemporaryDirectory();
            ComposeDocument doc = Load(dir, files: new[]
            {
                ("a.yml", "services:\n  web:\n    image: a\n    ports: ['80:80']\n"),
                ("b.yml", "services:\n  web:\n    ports: !override ['81:81']\n"),
            });
            Assert.Equal(new[] { "81:81" }, ((ComposeSequence)Service(doc, "web")["ports"]!).Items.Select(i => i.ToString()));
        }

        [Fact]
        public void AMissingFileIsNamed()
        {
            SwarmException failure = Assert.Throws<SwarmException>(() => ComposeReader.Load(new[] { "/nonexistent/compose.yml" }, NoVariables, null));
            Assert.Equal("ComposeFileNotFound", failure.ErrorId);
            Assert.Contains("/nonexistent/compose.yml", failure.Message);
        }

        [Fact]
        public void FuzzedYamlGivesOnlyParseErrors()
        {
            var random = new Random(20261201);
            const string alphabet = "ab:- \n\t{}[],&*!|>'\"#%@`?<=~$\\01.\r";
            string[] seeds = { "services:\n  web:\n    image: a\n", "x: &a [*a]\n", "a: &x {b: *x}\n", "<<: [1]\n" };
            for (int round = 0; round < 3000; round++)
            {
                var text = new StringBuilder(seeds[round % seeds.Length]);
                FuzzText.Append(text, random, alphabet, random.Next(0, 60), extraSlots: 2);
                if (round % 3 == 0)
                {
                    text.Insert(random.Next(text.Length), FuzzText.Append(new StringBuilder(), random, alphabet, 8, 2).ToString());
                }

                try
                {
                    ComposeReader.Parse(text.ToString(), "fuzz.yml");
                }
                catch (SwarmException failure)
                {
                    Assert.Equal("ComposeFileInvalid", failure.ErrorId);
                    Assert.StartsWith("fuzz.yml:", failure.Message);
                }
            }
        }
    }
}
