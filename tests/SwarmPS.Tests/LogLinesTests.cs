using System;
using System.Collections.Generic;
using Docker.DotNet.Models;
using SwarmPS.Engine.Docker;
using SwarmPS.Engine.Workloads;
using SwarmPS.Infrastructure;
using Xunit;

namespace SwarmPS.Tests
{
    /// <summary>Service log lines as the engine writes them with details (docker service logs --details), and the node/name lines made of them.</summary>
    public sealed class LogLinesTests
    {
        private const string Node1 = "x0ko9wlyb3ee7hrmgjzpkd35i";
        private const string Node2 = "6h2l0tbz4vu1csmk6d1vfhqzm";
        private const string Service = "n5ihqhg9kbbgmn4a1h4uxtzue";
        private const string Task1 = "pwt7tb5dqtr32m93rmgjyt0fp";
        private const string Task2 = "v4wlqd4r5ojmu0yn9eajc2m4h";
        private const string Details1 = "com.docker.swarm.node.id=" + Node1 + ",com.docker.swarm.service.id=" + Service + ",com.docker.swarm.task.id=" + Task1;
        private const string Details2 = "com.docker.swarm.node.id=" + Node2 + ",com.docker.swarm.service.id=" + Service + ",com.docker.swarm.task.id=" + Task2;

        [Fact]
        public void ParseServiceLine_ReadsTheTaskDetails_AndKeepsTheMessageWhole()
        {
            ServiceLogLine? line = LogLines.ParseServiceLine(Details1 + " 10.213.7.1 - - [04/Mar/2025:10:15:30 +0000] \"GET / HTTP/1.1\" 200 612", timestamps: false);

            Assert.NotNull(line);
            Assert.Null(line.Timestamp);
            Assert.Equal(Node1, line.NodeId);
            Assert.Equal(Service, line.ServiceId);
            Assert.Equal(Task1, line.TaskId);
            Assert.Equal("10.213.7.1 - - [04/Mar/2025:10:15:30 +0000] \"GET / HTTP/1.1\" 200 612", line.Message);
        }

        [Fact]
        public void ParseServiceLine_WithTimestamps_TakesTheTimeFirst()
        {
            ServiceLogLine? line = LogLines.ParseServiceLine("2025-03-04T10:15:30.123456789Z " + Details1 + " tick 3", timestamps: true);

            Assert.NotNull(line);
            Assert.Equal("2025-03-04T10:15:30.123456789Z", line.Timestamp);
            Assert.Equal(Task1, line.TaskId);
            Assert.Equal("tick 3", line.Message);
        }

        [Fact]
        public void ParseServiceLine_ReadsQueryEscapedAttributesSortedAroundTheSwarmOnes()
        {
            // Attributes from --log-opt labels/env come in the same list, sorted by key and query-escaped.
            ServiceLogLine? line = LogLines.ParseServiceLine("app=web%2Cfront," + Details2 + ",region=eu+west  indented, with=signs", timestamps: false);

            Assert.NotNull(line);
            Assert.Equal(Node2, line.NodeId);
            Assert.Equal(Task2, line.TaskId);
            Assert.Equal(" indented, with=signs", line.Message);
        }

        [Fact]
        public void ParseServiceLine_OfAnEmptyLine_HasAnEmptyMessage()
        {
            Assert.Equal(string.Empty, LogLines.ParseServiceLine(Details1 + " ", timestamps: false)?.Message);
            Assert.Equal(string.Empty, LogLines.ParseServiceLine(Details1, timestamps: false)?.Message);
        }

        [Theory]
        [InlineData("plain text without details")]
        [InlineData("com.docker.swarm.service.id=" + Service + " no node or task")]
        [InlineData("")]
        public void ParseServiceLine_OfALineWithoutTaskDetails_IsNull(string raw)
        {
            Assert.Null(LogLines.ParseServiceLine(raw, timestamps: false));
        }

        [Fact]
        public void Writer_LeadsEachLineWithItsNodeAndReplica_AsTheIssueShowsIt()
        {
            var lines = new List<string>();
            var writer = new ServiceLogWriter("web", Tasks(), Nodes(), timestamps: false, onlyTask: null, lines.Add);

            writer.Add(Details1 + " listening on :80");
            writer.Add(Details2 + " listening on :80");
            writer.Add("com.docker.swarm.node.id=" + Node2 + ",com.docker.swarm.service.id=" + Service + ",com.docker.swarm.task.id=later0000000000000000000 restarted");
            writer.Add("com.docker.swarm.node.id=gone0000000000000000000,com.docker.swarm.service.id=" + Service + ",com.docker.swarm.task.id=other000000000000000000 elsewhere");

            Assert.Equal(
                new[]
                {
                    "core-01/web.1 | listening on :80",
                    "core-02/web.2 | listening on :80",
                    "core-02/web | restarted",
                    "gone0000000000000000000/web | elsewhere",
                },
                lines);
        }

        [Fact]
        public void Writer_ForOneTask_DropsTheOthers_AndPutsTheTimestampFirst()
        {
            var lines = new List<string>();
            var writer = new ServiceLogWriter("web", Tasks(), Nodes(), timestamps: true, onlyTask: Task2, lines.Add);

            writer.Add("2025-03-04T10:15:30.000000001Z " + Details1 + " from one");
            writer.Add("2025-03-04T10:15:30.000000002Z " + Details2 + " from two");
            writer.Add("not a detailed line");

            Assert.Equal(new[] { "2025-03-04T10:15:30.000000002Z core-02/web.2 | from two" }, lines);
        }

        [Fact]
        public void Prefix_LeadsAContainersOwnLine_AfterItsTimestamp()
        {
            Assert.Equal("core-02/probe | ok", LogLines.Prefix("ok", "core-02/probe", timestamps: false));
            Assert.Equal("2025-03-04T10:15:30.123456789Z core-02/probe | all ok", LogLines.Prefix("2025-03-04T10:15:30.123456789Z all ok", "core-02/probe", timestamps: true));
        }

        [Fact]
        public void SinceText_IsUnixSecondsWithNanoseconds()
        {
            Assert.Null(new LogOptions().SinceText);
            Assert.Equal("1741083330.500000000", new LogOptions { Since = new DateTimeOffset(2025, 3, 4, 10, 15, 30, 500, TimeSpan.Zero) }.SinceText);
            Assert.Equal("1741083330.000000000", new LogOptions { Since = new DateTimeOffset(2025, 3, 4, 11, 15, 30, TimeSpan.FromHours(1)) }.SinceText);
            Assert.Equal("all", new LogOptions().TailText);
            Assert.Equal("5", new LogOptions { Tail = 5 }.TailText);
        }

        [Theory]
        [InlineData("10m", 600)]
        [InlineData("90s", 90)]
        [InlineData("1h30m", 5400)]
        [InlineData("1.5h", 5400)]
        [InlineData("500ms", 0.5)]
        public void Since_ReadsGoDurations(string text, double seconds)
        {
            Assert.True(SinceArgumentTransformationAttribute.TryParseDuration(text, out TimeSpan duration));
            Assert.Equal(TimeSpan.FromSeconds(seconds), duration);
        }

        [Theory]
        [InlineData("2025-03-04 10:00")]
        [InlineData("10")]
        [InlineData("m")]
        [InlineData("")]
        public void Since_LeavesEverythingElseToPowerShell(string text)
        {
            Assert.False(SinceArgumentTransformationAttribute.TryParseDuration(text, out _));
            Assert.Same(text, new SinceArgumentTransformationAttribute().Transform(null!, text));
        }

        [Fact]
        public void Since_TurnsADurationIntoATimeThatLongAgo()
        {
            DateTime before = DateTime.Now;
            var since = (DateTime)new SinceArgumentTransformationAttribute().Transform(null!, "10m");
            Assert.InRange(since, before.AddMinutes(-10).AddSeconds(-5), DateTime.Now.AddMinutes(-10));
            var fromSpan = (DateTime)new SinceArgumentTransformationAttribute().Transform(null!, TimeSpan.FromHours(1));
            Assert.InRange(fromSpan, before.AddHours(-1).AddSeconds(-5), DateTime.Now.AddHours(-1));
        }

        private static IReadOnlyList<TaskResponse> Tasks() => new[]
        {
            new TaskResponse { ID = Task1, NodeID = Node1, ServiceID = Service, Slot = 1 },
            new TaskResponse { ID = Task2, NodeID = Node2, ServiceID = Service, Slot = 2 },
        };

        private static IReadOnlyList<NodeListResponse> Nodes() => new[]
        {
            new NodeListResponse { ID = Node1, Description = new NodeDescription { Hostname = "core-01" } },
            new NodeListResponse { ID = Node2, Description = new NodeDescription { Hostname = "core-02" } },
        };
    }
}
