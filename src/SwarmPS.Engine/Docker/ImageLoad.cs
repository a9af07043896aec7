using System;
using System.Collections.Generic;
using System.IO;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Docker.DotNet;

namespace SwarmPS.Engine.Docker
{
    /// <summary>
    /// POST /images/load with the archive streamed as the body (Content-Length known, so nothing is buffered), then the
    /// engine's JSON message stream read line by line. The engine reports a failed load inside a 200 answer
    /// ({"errorDetail":…}), as docker load shows it; that becomes a DockerApiException for the gateway to translate.
    /// </summary>
    internal static class ImageLoad
    {
        internal static async Task<IReadOnlyList<string>> SendAsync(HttpClient http, Stream archive, long length, CancellationToken cancellationToken)
        {
            using (http)
            {
                using var content = new StreamContent(archive, 1 << 16);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/x-tar");
                content.Headers.ContentLength = length;
                using var request = new HttpRequestMessage(HttpMethod.Post, "images/load?quiet=1") { Content = content };
                using HttpResponseMessage response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                {
                    string body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                    throw new DockerApiException(response.StatusCode, body);
                }

                var lines = new List<string>();
                using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false));
                string? line;
                while ((line = await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false)) != null)
                {
                    if (line.Trim().Length == 0)
                    {
                        continue;
                    }

                    using JsonDocument message = JsonDocument.Parse(line);
                    JsonElement root = message.RootElement;
                    if (root.TryGetProperty("errorDetail", out JsonElement detail) || root.TryGetProperty("error", out detail))
                    {
                        string text = detail.ValueKind == JsonValueKind.Object && detail.TryGetProperty("message", out JsonElement m) ? m.GetString() ?? string.Empty : detail.ToString();
                        throw new DockerApiException(System.Net.HttpStatusCode.InternalServerError, text);
                    }

                    if (root.TryGetProperty("stream", out JsonElement stream) && stream.GetString() is string said)
                    {
                        foreach (string part in said.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                        {
                            lines.Add(part);
                        }
                    }
                }

                return lines;
            }
        }
    }
}
