using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using SwarmPS.Engine.Provisioning;
using Xunit;

namespace SwarmPS.Tests
{
    public sealed class EngineLabelsTests
    {
        [Fact]
        public void Parse_KeepsOrderTrimsAndAllowsEqualsInValue()
        {
            IReadOnlyDictionary<string, string> labels = EngineLabels.Parse(new[] { "storage=ssd", "  zone = eu west  ", "com.example/tier=a=b", "Rack_9-b=42" });

            Assert.Equal(new[] { "storage", "zone", "com.example/tier", "Rack_9-b" }, labels.Keys.ToArray());
            Assert.Equal(new[] { "ssd", "eu west", "a=b", "42" }, labels.Values.ToArray());
            Assert.Equal("a=b", labels["com.example/tier"]);
            Assert.Equal(4, labels.Count);
        }

        [Fact]
        public void Parse_SameKeyAndValueTwice_CountsOnce()
        {
            IReadOnlyDictionary<string, string> labels = EngineLabels.Parse(new[] { "storage=ssd", "zone=a", "storage = ssd" });

            Assert.Equal(new[] { "storage", "zone" }, labels.Keys.ToArray());
        }

        [Fact]
        public void Parse_Empty_IsEmpty()
        {
            Assert.Empty(EngineLabels.Parse(Array.Empty<string>()));
        }

        [Fact]
        public void Parse_SameKeyWithDifferentValues_IsLabelDuplicate()
        {
            SwarmException error = Assert.Throws<SwarmException>(() => EngineLabels.Parse(new[] { "storage=ssd", "storage=hdd" }));

            Assert.Equal("LabelDuplicate", error.ErrorId);
            Assert.Equal(SwarmErrorKind.InvalidArgument, error.Kind);
            Assert.Contains("'storage'", error.Message, StringComparison.Ordinal);
            Assert.Contains("'ssd'", error.Message, StringComparison.Ordinal);
            Assert.Contains("'hdd'", error.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void Parse_KeysAreCaseSensitive()
        {
            IReadOnlyDictionary<string, string> labels = EngineLabels.Parse(new[] { "Storage=ssd", "storage=hdd" });

            Assert.Equal(2, labels.Count);
        }

        [Fact]
        public void Parse_NoEquals_SaysTheExpectedForm()
        {
            SwarmException error = Assert.Throws<SwarmException>(() => EngineLabels.Parse(new[] { "storage" }));

            Assert.Equal("LabelInvalid", error.ErrorId);
            Assert.Equal(SwarmErrorKind.InvalidArgument, error.Kind);
            Assert.Equal("Label 'storage' is not in the form key=value, for example storage=ssd.", error.Message);
            Assert.Equal("storage", error.Target);
        }

        [Theory]
        [InlineData("=ssd")]
        [InlineData("  =ssd")]
        [InlineData("")]
        [InlineData("storage=")]
        [InlineData("storage=   ")]
        [InlineData("-storage=ssd")]
        [InlineData("storage-=ssd")]
        [InlineData(".storage=ssd")]
        [InlineData("/storage=ssd")]
        [InlineData("stor age=ssd")]
        [InlineData("stor:age=ssd")]
        [InlineData("störage=ssd")]
        [InlineData("storage=s\nsd")]
        [InlineData("storage=s\tsd")]
        [InlineData("storage=ssd\u0000")]
        [InlineData("storage=\u007F")]
        public void Parse_Invalid_IsLabelInvalid(string text)
        {
            SwarmException error = Assert.Throws<SwarmException>(() => EngineLabels.Parse(new[] { text }));

            Assert.Equal("LabelInvalid", error.ErrorId);
            Assert.Equal(SwarmErrorKind.InvalidArgument, error.Kind);

            // User text is quoted with control characters escaped, so messages stay on one line.
            Assert.DoesNotContain(error.Message, c => char.IsControl(c));
        }

        [Fact]
        public void Parse_LoneSurrogate_IsLabelInvalid()
        {
            // Built at run time: xunit cannot carry lone surrogates through InlineData.
            foreach (string text in new[] { "storage=a" + '\uD800' + "b", "storage=a" + '\uDC00', "storage=" + '\uDBFF' })
            {
                SwarmException error = Assert.Throws<SwarmException>(() => EngineLabels.Parse(new[] { text }));
                Assert.Equal("LabelInvalid", error.ErrorId);
                Assert.DoesNotContain(error.Message, c => char.IsSurrogate(c));
            }
        }

        [Fact]
        public void Parse_NullEntry_IsLabelInvalid()
        {
            SwarmException error = Assert.Throws<SwarmException>(() => EngineLabels.Parse(new[] { "a=1", null! }));

            Assert.Equal("LabelInvalid", error.ErrorId);
        }

        [Fact]
        public void Parse_ControlCharacterIsShownEscaped()
        {
            SwarmException error = Assert.Throws<SwarmException>(() => EngineLabels.Parse(new[] { "storage=s\nsd" }));

            Assert.Contains("s\\u000Asd", error.Message, StringComparison.Ordinal);
        }

        [Theory]
        [InlineData("a", "1")]
        [InlineData("9", "x")]
        [InlineData("A9", "value with spaces")]
        [InlineData("a.b-c_d/e", "ünïcödé 😀")]
        [InlineData("com.example.storage", "=")]
        public void Validate_Accepts(string key, string value)
        {
            EngineLabels.Validate(key, value);
            Assert.Equal(value, EngineLabels.Parse(new[] { key + "=" + value })[key]);
        }

        [Theory]
        [InlineData("", "x")]
        [InlineData("a", "")]
        [InlineData("a", " x")]
        [InlineData("a", "x ")]
        [InlineData("a b", "x")]
        [InlineData("a_", "x")]
        [InlineData("a=b", "x")]
        public void Validate_Rejects(string key, string value)
        {
            SwarmException error = Assert.Throws<SwarmException>(() => EngineLabels.Validate(key, value));

            Assert.Equal("LabelInvalid", error.ErrorId);
        }

        [Fact]
        public void Validate_NullKeyOrValue_IsLabelInvalid()
        {
            Assert.Equal("LabelInvalid", Assert.Throws<SwarmException>(() => EngineLabels.Validate(null!, "x")).ErrorId);
            Assert.Equal("LabelInvalid", Assert.Throws<SwarmException>(() => EngineLabels.Validate("a", null!)).ErrorId);
        }

        [Fact]
        public void Parse_RandomInput_OnlyEverThrowsSwarmException()
        {
            // Weighted towards characters that matter: separators, whitespace, controls, surrogates, non-ASCII.
            const string alphabet = "abcXYZ019.-_/=== \t\n\r\u0000\u007F\u0085\u00E9\u4E2D:,;'\"\\";
            var random = new Random(20240611);
            int accepted = 0;
            int rejected = 0;
            for (int iteration = 0; iteration < 2000; iteration++)
            {
                var inputs = new List<string>();
                int count = random.Next(1, 4);
                for (int item = 0; item < count; item++)
                {
                    inputs.Add(RandomText(random, alphabet));
                }

                try
                {
                    IReadOnlyDictionary<string, string> labels = EngineLabels.Parse(inputs);
                    accepted++;

                    // Whatever Parse accepts must be valid and parse back to itself.
                    foreach (KeyValuePair<string, string> label in labels)
                    {
                        EngineLabels.Validate(label.Key, label.Value);
                    }

                    Assert.Equal(labels.ToArray(), EngineLabels.Parse(labels.Select(label => label.Key + "=" + label.Value)).ToArray());
                }
                catch (SwarmException error)
                {
                    rejected++;
                    Assert.Contains(error.ErrorId, new[] { "LabelInvalid", "LabelDuplicate" });
                    Assert.False(string.IsNullOrWhiteSpace(error.Message));
                }
            }

            // Both paths must be exercised, or the generator proves nothing.
            Assert.True(accepted > 50, $"only {accepted} inputs were accepted");
            Assert.True(rejected > 50, $"only {rejected} inputs were rejected");
        }

        private static string RandomText(Random random, string alphabet)
        {
            // Half the time start from a plausible label so valid inputs are common enough.
            var builder = new StringBuilder(random.Next(2) == 0 ? "k" + random.Next(5) + "=v" : string.Empty);
            return FuzzText.Append(builder, random, alphabet, random.Next(0, 12), extraSlots: 3).ToString();
        }
    }
}
