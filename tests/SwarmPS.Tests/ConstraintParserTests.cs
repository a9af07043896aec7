using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using SwarmPS.Engine.Workloads;
using Xunit;

namespace SwarmPS.Tests
{
    public sealed class ConstraintParserTests
    {
        // What Docker's swarm (swarmkit manager/constraint) accepts, spelled out in ASCII so that no case folding
        // of other scripts can make a test pass.
        private static readonly Regex DockerKey = new Regex("^[A-Za-z_][A-Za-z0-9._-]+$", RegexOptions.CultureInvariant);
        private static readonly Regex DockerValue = new Regex(@"^[A-Za-z0-9:\-_ .*()?+\[\]\\^$|/]+$", RegexOptions.CultureInvariant);

        [Theory]
        // Swarm syntax, each field with both operators.
        [InlineData("node.id==2ivku8v2gvtg4", "node.id==2ivku8v2gvtg4")]
        [InlineData("node.id!=2ivku8v2gvtg4", "node.id!=2ivku8v2gvtg4")]
        [InlineData("node.hostname==core-01", "node.hostname==core-01")]
        [InlineData("node.hostname!=core-01", "node.hostname!=core-01")]
        [InlineData("node.role==manager", "node.role==manager")]
        [InlineData("node.role!=worker", "node.role!=worker")]
        [InlineData("node.platform.os==linux", "node.platform.os==linux")]
        [InlineData("node.platform.os!=windows", "node.platform.os!=windows")]
        [InlineData("node.platform.arch==x86_64", "node.platform.arch==x86_64")]
        [InlineData("node.platform.arch!=aarch64", "node.platform.arch!=aarch64")]
        [InlineData("node.labels.storage==ssd", "node.labels.storage==ssd")]
        [InlineData("node.labels.storage!=disk", "node.labels.storage!=disk")]
        [InlineData("engine.labels.storage==ssd", "engine.labels.storage==ssd")]
        [InlineData("engine.labels.storage!=disk", "engine.labels.storage!=disk")]
        [InlineData("node.labels.com.example.tier==gold", "node.labels.com.example.tier==gold")]
        [InlineData("node.labels.rack_9-b==42", "node.labels.rack_9-b==42")]
        // Field names in any case become canonical; label keys and values keep their case; a role is a closed set.
        [InlineData("NODE.HOSTNAME==Core-01", "node.hostname==Core-01")]
        [InlineData("Node.Labels.Storage==SSD", "node.labels.Storage==SSD")]
        [InlineData("ENGINE.LABELS.zone==a", "engine.labels.zone==a")]
        [InlineData("node.Platform.OS==Linux", "node.platform.os==Linux")]
        [InlineData("node.role==Manager", "node.role==manager")]
        [InlineData("node.role!=WORKER", "node.role!=worker")]
        // Whitespace around the operator and the whole.
        [InlineData("node.labels.storage == ssd", "node.labels.storage==ssd")]
        [InlineData("  node.labels.storage==ssd  ", "node.labels.storage==ssd")]
        [InlineData("\tnode.labels.storage\t!=\tdisk\t", "node.labels.storage!=disk")]
        [InlineData("node.hostname   ==core-01", "node.hostname==core-01")]
        // Swarm values are literal: Docker takes these characters and compares them as they are.
        [InlineData("node.labels.room==room 1", "node.labels.room==room 1")]
        [InlineData("node.labels.storage==ss*", "node.labels.storage==ss*")]
        [InlineData("node.labels.path==/mnt/data/", "node.labels.path==/mnt/data/")]
        [InlineData("node.labels.odd==a:b-c_d.e(f)?g+h[i]\\j^k$l|m", "node.labels.odd==a:b-c_d.e(f)?g+h[i]\\j^k$l|m")]
        // Classic syntax, by the one rule: a bare key is the label as Labels shows it, sent as a node label.
        [InlineData("storage==ssd", "node.labels.storage==ssd")]
        [InlineData("storage!=disk", "node.labels.storage!=disk")]
        [InlineData("storage == ssd", "node.labels.storage==ssd")]
        [InlineData("Storage==ssd", "node.labels.Storage==ssd")]
        [InlineData("com.example.tier==gold", "node.labels.com.example.tier==gold")]
        [InlineData("zone==eu:west", "node.labels.zone==eu:west")]
        [InlineData("version==1.2", "node.labels.version==1.2")]
        [InlineData("constraint:storage==ssd", "node.labels.storage==ssd")]
        [InlineData("CONSTRAINT:storage==ssd", "node.labels.storage==ssd")]
        [InlineData("  Constraint: storage == ssd ", "node.labels.storage==ssd")]
        [InlineData("constraint:storage!=disk", "node.labels.storage!=disk")]
        [InlineData("node==core-01", "node.hostname==core-01")]
        [InlineData("node!=core-01", "node.hostname!=core-01")]
        [InlineData("NODE==core-01", "node.hostname==core-01")]
        [InlineData("constraint:node==core-01", "node.hostname==core-01")]
        [InlineData("constraint:node.labels.storage==ssd", "node.labels.storage==ssd")]
        [InlineData("constraint:node.role==worker", "node.role==worker")]
        public void Parse_TranslatesToSwarm(string text, string expected)
        {
            PlacementConstraint constraint = ConstraintParser.Parse(text);

            Assert.Equal(expected, constraint.ToSwarm());
            Assert.Equal(expected, constraint.ToString());
            Assert.Equal(text, constraint.Original);

            // The swarm form reads back as itself, and Docker's own parser would take it.
            Assert.Equal(expected, ConstraintParser.Parse(expected).ToSwarm());
            AssertDockerAccepts(constraint);
        }

        [Theory]
        [InlineData("node.id==abc", ConstraintField.NodeId, null, true, "abc")]
        [InlineData("node.hostname!=core-01", ConstraintField.NodeHostname, null, false, "core-01")]
        [InlineData("node==core-01", ConstraintField.NodeHostname, null, true, "core-01")]
        [InlineData("node.role==worker", ConstraintField.NodeRole, null, true, "worker")]
        [InlineData("node.platform.os==linux", ConstraintField.NodePlatformOs, null, true, "linux")]
        [InlineData("node.platform.arch!=x86_64", ConstraintField.NodePlatformArch, null, false, "x86_64")]
        [InlineData("node.labels.com.example.tier == gold", ConstraintField.NodeLabel, "com.example.tier", true, "gold")]
        [InlineData("engine.labels.storage!=disk", ConstraintField.EngineLabel, "storage", false, "disk")]
        [InlineData("constraint:storage==ssd", ConstraintField.NodeLabel, "storage", true, "ssd")]
        public void Parse_SetsTheParts(string text, ConstraintField field, string? labelKey, bool equal, string value)
        {
            PlacementConstraint constraint = ConstraintParser.Parse(text);

            Assert.Equal(field, constraint.Field);
            Assert.Equal(labelKey, constraint.LabelKey);
            Assert.Equal(equal, constraint.Equal);
            Assert.Equal(value, constraint.Value);
            Assert.Equal(text, constraint.Original);
        }

        [Theory]
        // Classic regular expressions, globs and other pattern characters.
        [InlineData("storage==/ss.*/", 10, "/ss.*/")]
        [InlineData("constraint:storage==/ss.*/", 21, "/ss.*/")]
        [InlineData("node==/core-0[12]/", 7, "/core-0[12]/")]
        [InlineData("storage==ss*", 12, "ss*")]
        [InlineData("storage==s?d", 11, "s?d")]
        [InlineData("constraint:node==core-*", 23, "core-*")]
        [InlineData("storage!=ss[dh]", 12, "ss[dh]")]
        [InlineData("constraint:node.labels.storage==ss*", 35, "ss*")]
        // Soft constraints.
        [InlineData("storage==~ssd", 8, "==~")]
        [InlineData("storage!=~disk", 8, "!=~")]
        [InlineData("storage=~ssd", 8, "=~")]
        [InlineData("node.labels.storage == ~ssd", 21, "==~")]
        // Affinities and other keys swarm mode has no equivalent for.
        [InlineData("container==web", 1, "container")]
        [InlineData("image==redis", 1, "image")]
        [InlineData("affinity:container==web", 1, "affinity:")]
        [InlineData("  Affinity:image==redis", 3, "affinity:")]
        [InlineData("node.ip==10.0.0.0/24", 1, "node.ip")]
        // Legal labels that swarm's constraint syntax cannot name or compare.
        [InlineData("node.labels.com.example/tier==gold", 24, "'/'")]
        [InlineData("com.example/tier==gold", 12, "'/'")]
        [InlineData("storage==ünï", 10, "'ü'")]
        [InlineData("storage==ssd,nvme", 13, "no OR")]
        [InlineData("storage==a!b", 11, "'!'")]
        [InlineData("node.labels.storage==s~d", 23, "'~'")]
        public void Parse_FormsSwarmCannotExpress_AreConstraintUnsupported(string text, int position, string named)
        {
            SwarmException error = Assert.Throws<SwarmException>(() => ConstraintParser.Parse(text));

            Assert.Equal("ConstraintUnsupported", error.ErrorId);
            Assert.Equal(SwarmErrorKind.InvalidArgument, error.Kind);
            Assert.Equal(text, error.Target);
            Assert.Contains($"'{text}'", error.Message, StringComparison.Ordinal);
            Assert.Contains($"at position {position}.", error.Message, StringComparison.Ordinal);
            Assert.Contains(named, error.Message, StringComparison.OrdinalIgnoreCase);

            // The supported forms, with the translation rule, come with every refusal.
            Assert.Contains("Supported forms: node.labels.KEY==VALUE", error.Message, StringComparison.Ordinal);
            Assert.Contains("sent as node.labels.KEY==VALUE", error.Message, StringComparison.Ordinal);
        }

        [Theory]
        [InlineData("node.labels.a/b\tc==x")]
        [InlineData("a/b\u0085==x")]
        [InlineData("storage==ss*\u0001")]
        [InlineData("storage==ü\u0001")]
        [InlineData("\u0001affinity:x==y")]
        public void Parse_Refusal_ShowsUserTextEscaped(string text)
        {
            SwarmException error = Assert.Throws<SwarmException>(() => ConstraintParser.Parse(text));

            Assert.DoesNotContain(error.Message, c => char.IsControl(c));
        }

        [Fact]
        public void Parse_ClassicPattern_SuggestsTheLiteralSwarmForm()
        {
            SwarmException error = Assert.Throws<SwarmException>(() => ConstraintParser.Parse("storage==ss*"));

            Assert.Contains("write node.labels.storage==ss*", error.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void Parse_SoftConstraint_SaysToDropTheTilde()
        {
            SwarmException error = Assert.Throws<SwarmException>(() => ConstraintParser.Parse("storage!=~disk"));

            Assert.Contains("soft constraint", error.Message, StringComparison.Ordinal);
            Assert.Contains("write != without '~'", error.Message, StringComparison.Ordinal);
        }

        [Theory]
        [InlineData("storage", 8, "no operator")]
        [InlineData("constraint:storage", 19, "no operator")]
        [InlineData("constraint:", 12, "nothing follows")]
        [InlineData("=", 1, "single '='")]
        [InlineData("storage=ssd", 8, "single '='")]
        [InlineData("storage = ssd", 9, "single '='")]
        [InlineData("===", 3, "'=' follows")]
        [InlineData("storage===ssd", 10, "'=' follows")]
        [InlineData("storage!==ssd", 10, "'=' follows")]
        [InlineData("storage==!ssd", 10, "'!' follows")]
        [InlineData("storage==ssd==nvme", 13, "contains '='")]
        [InlineData("storage!ssd", 8, "'!' is not an operator")]
        [InlineData("storage<ssd", 8, "'<' is not an operator")]
        [InlineData("storage~ssd", 8, "'~' is not an operator")]
        [InlineData("==ssd", 1, "no key")]
        [InlineData("   != ssd", 4, "no key")]
        [InlineData("storage==", 10, "no value")]
        [InlineData("storage==   ", 10, "no value")]
        [InlineData("node.labels.==ssd", 13, "label key is missing")]
        [InlineData("engine.labels.==ssd", 15, "label key is missing")]
        [InlineData("node.labels==ssd", 12, "needs a label key")]
        [InlineData("engine.labels==ssd", 14, "needs a label key")]
        [InlineData("node.name==core-01", 6, "'name' is not a node field")]
        [InlineData("node.platform==linux", 6, "'platform' is not a node field")]
        [InlineData("node.==x", 6, "'' is not a node field")]
        [InlineData("engine.id==x", 8, "'id' is not an engine field")]
        [InlineData("stor age==ssd", 5, "a space cannot be part of a label key")]
        [InlineData("node.labels.stor:age==ssd", 17, "':' cannot be part")]
        [InlineData("foo:storage==ssd", 4, "Only the prefix constraint:")]
        [InlineData("\"storage==ssd\"", 1, "without quotes")]
        [InlineData("störage==ssd", 3, "'ö' cannot be part")]
        [InlineData("node.role==leader", 12, "'leader' is not a node role")]
        [InlineData("storage==\"ssd\"", 10, "in quotes")]
        [InlineData("storage=='ssd'", 10, "in quotes")]
        [InlineData("storage==s\u0001d", 11, "\\u0001")]
        [InlineData("storage==s\u007Fd", 11, "\\u007F")]
        [InlineData("storage==s\u0085d", 11, "\\u0085")]
        public void Parse_Malformed_IsConstraintInvalid_WithThePosition(string text, int position, string said)
        {
            SwarmException error = Assert.Throws<SwarmException>(() => ConstraintParser.Parse(text));

            Assert.Equal("ConstraintInvalid", error.ErrorId);
            Assert.Equal(SwarmErrorKind.InvalidArgument, error.Kind);
            Assert.Equal(text, error.Target);
            Assert.Contains($"at position {position}.", error.Message, StringComparison.Ordinal);
            Assert.Contains(said, error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(error.Message, c => char.IsControl(c));
        }

        [Theory]
        [InlineData("storage", "Write KEY==VALUE or KEY!=VALUE")]
        [InlineData("storage=ssd", "Write '==' to require the value or '!=' to exclude it")]
        [InlineData("storage==", "Write storage==VALUE")]
        [InlineData("node.name==x", "Use node.id, node.hostname, node.role, node.platform.os, node.platform.arch or node.labels.KEY")]
        [InlineData("storage=='ssd'", "for example node.labels.storage==ssd.")]
        [InlineData("node.role==leader", "manager or worker")]
        public void Parse_Malformed_SaysWhatWouldBeRight(string text, string remedy)
        {
            SwarmException error = Assert.Throws<SwarmException>(() => ConstraintParser.Parse(text));

            Assert.Contains(remedy, error.Message, StringComparison.Ordinal);
        }

        [Theory]
        [InlineData("")]
        [InlineData("   ")]
        [InlineData("\t\r\n")]
        public void Parse_Empty_IsConstraintInvalid(string text)
        {
            SwarmException error = Assert.Throws<SwarmException>(() => ConstraintParser.Parse(text));

            Assert.Equal("ConstraintInvalid", error.ErrorId);
            Assert.Contains("is empty", error.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void Parse_Null_IsConstraintInvalid()
        {
            SwarmException error = Assert.Throws<SwarmException>(() => ConstraintParser.Parse(null!));

            Assert.Equal("ConstraintInvalid", error.ErrorId);
        }

        [Fact]
        public void Parse_PositionCountsASurrogatePairAsOneCharacter()
        {
            // The emoji is two UTF-16 units; the control character after it is the 11th character, not the 12th.
            SwarmException error = Assert.Throws<SwarmException>(() => ConstraintParser.Parse("storage==\U0001F600\u0001"));

            Assert.Equal("ConstraintInvalid", error.ErrorId);
            Assert.Contains("at position 11.", error.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void Parse_LoneSurrogate_IsConstraintInvalid_AndShownEscaped()
        {
            // Built at run time: xunit cannot carry lone surrogates through InlineData.
            foreach (string text in new[] { "storage==a" + '\uD800' + "b", "storage==a" + '\uDC00', "stor" + '\uDBFF' + "age==ssd" })
            {
                SwarmException error = Assert.Throws<SwarmException>(() => ConstraintParser.Parse(text));
                Assert.Equal("ConstraintInvalid", error.ErrorId);
                Assert.False(HasLoneSurrogate(error.Message), error.Message);
            }
        }

        [Fact]
        public void Parse_InvalidMessage_NamesTheRuleForMalformedKeys()
        {
            SwarmException error = Assert.Throws<SwarmException>(() => ConstraintParser.Parse("storage"));

            Assert.Contains("the classic KEY==VALUE, which means the label KEY as Get-SwarmNode shows it in Labels", error.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void ParseAll_KeepsOrder_AndCountsASwarmFormOnce()
        {
            IReadOnlyList<PlacementConstraint> constraints = ConstraintParser.ParseAll(new[]
            {
                "storage==ssd", "node.role==worker", "node.labels.storage==ssd", " constraint:storage == ssd ", "node.hostname!=core-01",
            });

            Assert.Equal(new[] { "node.labels.storage==ssd", "node.role==worker", "node.hostname!=core-01" }, constraints.Select(c => c.ToSwarm()).ToArray());
            Assert.Equal("storage==ssd", constraints[0].Original);
        }

        [Fact]
        public void ParseAll_KeepsContradictions_ForTheMatcherToReport()
        {
            IReadOnlyList<PlacementConstraint> constraints = ConstraintParser.ParseAll(new[] { "storage==ssd", "storage==disk", "storage!=ssd" });

            Assert.Equal(3, constraints.Count);
        }

        [Fact]
        public void ParseAll_Empty_IsEmpty()
        {
            Assert.Empty(ConstraintParser.ParseAll(Array.Empty<string>()));
        }

        [Fact]
        public void ParseAll_StopsAtTheFirstBadConstraint()
        {
            SwarmException error = Assert.Throws<SwarmException>(() => ConstraintParser.ParseAll(new[] { "storage==ssd", "storage==ss*", "storage" }));

            Assert.Equal("ConstraintUnsupported", error.ErrorId);
            Assert.Equal("storage==ss*", error.Target);
        }

        [Fact]
        public void ParseAll_Null_Throws()
        {
            Assert.Throws<ArgumentNullException>(() => ConstraintParser.ParseAll(null!));
        }

        [Fact]
        public void Parse_RandomInput_RoundTripsOrThrowsAConstraintError()
        {
            // Weighted towards what matters: operators, prefixes, quotes, pattern characters, whitespace, non-ASCII.
            const string alphabet = "===!!~~::/..**\"' \t\n abcsXYZ019_-?[]()\u00E9\u00FC\u4E2D\u0085\u00A0\u212A";
            const string plain = "abcXYZ019-_. ";
            string[] starts = { string.Empty, "storage", "constraint:storage", "node", "node.labels.k", "engine.labels.k", "node.hostname", "node.role", "node.id", "affinity:" };
            string[] operators = { "==", "!=", " == ", "=", "==~", "!", string.Empty };
            var random = new Random(20250611);
            var errors = new Dictionary<string, int>(StringComparer.Ordinal);
            int accepted = 0;
            int classic = 0;
            for (int iteration = 0; iteration < 5000; iteration++)
            {
                string text = random.Next(3) == 0
                    ? RandomText(random, alphabet, random.Next(0, 16))
                    : starts[random.Next(starts.Length)] + operators[random.Next(operators.Length)] + RandomText(random, random.Next(2) == 0 ? plain : alphabet, random.Next(0, 6));
                PlacementConstraint constraint;
                try
                {
                    constraint = ConstraintParser.Parse(text);
                }
                catch (SwarmException error)
                {
                    Assert.True(error.ErrorId is "ConstraintInvalid" or "ConstraintUnsupported", $"'{text}' gave {error.ErrorId}");
                    Assert.Equal(SwarmErrorKind.InvalidArgument, error.Kind);
                    Assert.DoesNotContain(error.Message, c => char.IsControl(c));
                    Assert.False(HasLoneSurrogate(error.Message), error.Message);
                    Assert.True(text.Trim().Length == 0 || error.Message.Contains(" at position ", StringComparison.Ordinal), error.Message);
                    errors[error.ErrorId] = errors.GetValueOrDefault(error.ErrorId) + 1;
                    continue;
                }

                accepted++;
                if (!constraint.ToSwarm().Equals(text.Trim(), StringComparison.Ordinal))
                {
                    classic++;
                }

                PlacementConstraint again = ConstraintParser.Parse(constraint.ToSwarm());
                Assert.Equal(constraint.ToSwarm(), again.ToSwarm());
                Assert.Equal(constraint.Field, again.Field);
                Assert.Equal(constraint.LabelKey, again.LabelKey);
                Assert.Equal(constraint.Equal, again.Equal);
                Assert.Equal(constraint.Value, again.Value);
                AssertDockerAccepts(constraint);
            }

            // Every path must be exercised, or the generator proves nothing.
            Assert.True(accepted > 300, $"only {accepted} inputs were accepted");
            Assert.True(classic > 150, $"only {classic} accepted inputs were translated");
            Assert.True(errors.GetValueOrDefault("ConstraintInvalid") > 1000, $"only {errors.GetValueOrDefault("ConstraintInvalid")} inputs were invalid");
            Assert.True(errors.GetValueOrDefault("ConstraintUnsupported") > 500, $"only {errors.GetValueOrDefault("ConstraintUnsupported")} inputs were unsupported");
        }

        /// <summary>Checks the swarm form against swarmkit's own key and value patterns, as Docker would parse it.</summary>
        private static void AssertDockerAccepts(PlacementConstraint constraint)
        {
            string swarm = constraint.ToSwarm();
            int split = swarm.IndexOf(constraint.Equal ? "==" : "!=", StringComparison.Ordinal);
            Assert.True(split > 0, swarm);
            Assert.Matches(DockerKey, swarm.Substring(0, split));
            Assert.Matches(DockerValue, swarm.Substring(split + 2));
            Assert.Equal(swarm.Substring(split + 2).Trim(), swarm.Substring(split + 2));
        }

        private static bool HasLoneSurrogate(string text)
        {
            for (int index = 0; index < text.Length; index++)
            {
                if (char.IsSurrogatePair(text, index))
                {
                    index++;
                }
                else if (char.IsSurrogate(text[index]))
                {
                    return true;
                }
            }

            return false;
        }

        private static string RandomText(Random random, string alphabet, int length) =>
            FuzzText.Append(new StringBuilder(), random, alphabet, length, extraSlots: 2).ToString();
    }
}
