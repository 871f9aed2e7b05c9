#include "server/image_decode.h"

#include <cctype>
#include <cmath>
#include <string>

namespace userscale::server {
namespace {

// Reads the next whitespace-separated PGM header number, skipping # comments.
bool pgm_number(std::string_view s, std::size_t& pos, std::size_t& out) {
  for (;;) {
    while (pos < s.size() && std::isspace(static_cast<unsigned char>(s[pos]))) ++pos;
    if (pos < s.size() && s[pos] == '#') {
      while (pos < s.size() && s[pos] != '\n') ++pos;
      continue;
    }
    break;
  }
  std::size_t v = 0, digits = 0;
  while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos])) && digits < 9) {
    v = v * 10 + static_cast<std::size_t>(s[pos] - '0');
    ++pos;
    ++digits;
  }
  out = v;
  return digits > 0;
}

}  // namespace

Result<GrayImage> decode_gray_image(std::string_view bytes) {
  GrayImage img;
  if (bytes.empty()) return Error{"body", "empty; POST a PGM (P5) image or raw square grayscale"};
  if (bytes.size() >= 2 && bytes[0] == 'P' && bytes[1] == '5') {
    std::size_t pos = 2, maxval = 0;
    if (!pgm_number(bytes, pos, img.width) || !pgm_number(bytes, pos, img.height) ||
        !pgm_number(bytes, pos, maxval)) {
      return Error{"body", "malformed PGM header"};
    }
    if (img.width == 0 || img.height == 0) return Error{"body", "PGM image has no pixels"};
    if (maxval == 0 || maxval > 255) return Error{"body", "PGM maxval must be 1..255"};
    ++pos;  // the single whitespace byte after maxval
    const std::size_t n = img.width * img.height;
    if (pos > bytes.size() || bytes.size() - pos < n) {
      return Error{"body", "PGM data is shorter than " + std::to_string(img.width) + "x" +
                               std::to_string(img.height)};
    }
    img.pixels.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
      img.pixels[i] = static_cast<float>(static_cast<unsigned char>(bytes[pos + i])) /
                      static_cast<float>(maxval);
    }
    return img;
  }
  const auto side =
      static_cast<std::size_t>(std::llround(std::sqrt(static_cast<double>(bytes.size()))));
  if (side * side != bytes.size()) {
    return Error{"body", "raw grayscale must be a square number of bytes, got " +
                             std::to_string(bytes.size())};
  }
  img.width = img.height = side;
  img.pixels.resize(bytes.size());
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    img.pixels[i] = static_cast<float>(static_cast<unsigned char>(bytes[i])) / 255.0f;
  }
  return img;
}

std::vector<float> resize_nearest(const GrayImage& img, std::size_t side) {
  std::vector<float> out(side * side);
  for (std::size_t y = 0; y < side; ++y) {
    const std::size_t sy = y * img.height / side;
    for (std::size_t x = 0; x < side; ++x) {
      out[y * side + x] = img.pixels[sy * img.width + x * img.width / side];
    }
  }
  return out;
}

}  // namespace userscale::server
