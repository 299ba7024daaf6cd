#include "Database/SymbolDb.h"

#include <gtest/gtest.h>

using namespace modver;

static Export makeExport(std::string Name, uint32_t Crc, std::string Source,
                         std::string Exporter = "vmlinux") {
  Export E;
  E.Name = std::move(Name);
  E.Crc = Crc;
  E.Source = std::move(Source);
  E.Exporter = std::move(Exporter);
  return E;
}

TEST(SymbolDb, AddsAndFinds) {
  SymbolDb Db;
  ASSERT_FALSE(Db.add(makeExport("printk", 0x1234, "a")));
  ASSERT_FALSE(Db.add(makeExport("kfree", 0x99, "a")));
  ASSERT_NE(Db.find("printk"), nullptr);
  EXPECT_EQ(Db.find("printk")->Crc, 0x1234u);
  EXPECT_EQ(Db.find("nope"), nullptr);
  auto Sorted = Db.sorted();
  ASSERT_EQ(Sorted.size(), 2u);
  EXPECT_EQ(Sorted[0]->Name, "kfree");
}

TEST(SymbolDb, SameVersionTwiceMergesDetails) {
  SymbolDb Db;
  ASSERT_FALSE(Db.add(makeExport("usb_foo", 7, "vmlinuz", "")));
  Export Again = makeExport("usb_foo", 7, "Module.symvers", "drivers/usb/core/usbcore");
  Again.Namespace = "USB";
  ASSERT_FALSE(Db.add(Again));
  EXPECT_EQ(Db.size(), 1u);
  EXPECT_EQ(Db.find("usb_foo")->Exporter, "drivers/usb/core/usbcore");
  EXPECT_EQ(Db.find("usb_foo")->Namespace, "USB");
}

TEST(SymbolDb, ConflictNamesBothSources) {
  SymbolDb Db;
  ASSERT_FALSE(Db.add(makeExport("printk", 0x1234, "vmlinuz-a")));
  llvm::Error E = Db.add(makeExport("printk", 0x4321, "symvers-b"));
  ASSERT_TRUE(bool(E));
  std::string Msg = llvm::toString(std::move(E));
  EXPECT_NE(Msg.find("printk"), std::string::npos);
  EXPECT_NE(Msg.find("vmlinuz-a"), std::string::npos);
  EXPECT_NE(Msg.find("symvers-b"), std::string::npos);
  EXPECT_NE(Msg.find("0x00001234"), std::string::npos);
}

TEST(SymbolDb, MergeRefusesDifferentReleases) {
  SymbolDb A, B;
  A.kernel().Release = "6.1.0-47-amd64";
  B.kernel().Release = "6.1.0-56-amd64";
  llvm::Error E = A.merge(std::move(B));
  ASSERT_TRUE(bool(E));
  EXPECT_NE(llvm::toString(std::move(E)).find("6.1.0-56-amd64"), std::string::npos);
}
